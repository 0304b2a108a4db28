import CSodium
import Foundation

/// Ed25519 verification of a manifest against the trusted public keys of a directory.
///
/// Each `*.pub` file in the keys directory holds one 32-byte Ed25519 public key, raw or base64.
/// Signatures (`manifest.json.sig`) are 64 bytes, raw or base64.
public struct SignatureVerifier: Sendable {
    public struct TrustedKey: Sendable, Equatable {
        public var name: String
        public var bytes: [UInt8]
    }

    public let keys: [TrustedKey]

    public init(keys: [TrustedKey]) {
        self.keys = keys
    }

    /// Loads every `*.pub` of `directory`; a malformed key file is an error naming the file.
    public init(directory: String) throws(BundleError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var keys: [TrustedKey] = []
        for name in names.sorted() where name.hasSuffix(".pub") {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path),
                let bytes = Self.decode([UInt8](data), length: Int(crypto_sign_PUBLICKEYBYTES))
            else {
                throw BundleError(
                    code: .badKey,
                    message: "not a 32-byte Ed25519 public key (raw or base64)",
                    file: path
                )
            }
            keys.append(TrustedKey(name: String(name.dropLast(4)), bytes: bytes))
        }
        self.init(keys: keys)
    }

    /// The name of the key that signed `message`, or nil when none did.
    public func signer(of message: [UInt8], signature rawSignature: [UInt8]) -> String? {
        guard sodium_init() >= 0, let signature = Self.decode(rawSignature, length: Int(crypto_sign_BYTES)) else {
            return nil
        }
        for key in keys {
            let ok = crypto_sign_verify_detached(signature, message, UInt64(message.count), key.bytes) == 0
            if ok { return key.name }
        }
        return nil
    }

    /// Raw bytes of the expected length, or base64 text (surrounding whitespace ignored) decoding to it.
    static func decode(_ bytes: [UInt8], length: Int) -> [UInt8]? {
        if bytes.count == length { return bytes }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: text), data.count == length else { return nil }
        return [UInt8](data)
    }
}
