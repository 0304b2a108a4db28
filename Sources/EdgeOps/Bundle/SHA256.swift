import CSodium

/// SHA-256 through libsodium (already linked for Ed25519).
public enum SHA256 {
    public static func hex<C: Collection<UInt8>>(_ bytes: C) -> String {
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        let array = Array(bytes)
        array.withUnsafeBufferPointer { input in
            _ = crypto_hash_sha256(&digest, input.baseAddress, UInt64(input.count))
        }
        return digest.map { byte in
            let h = String(byte, radix: 16)
            return byte < 16 ? "0" + h : h
        }.joined()
    }
}
