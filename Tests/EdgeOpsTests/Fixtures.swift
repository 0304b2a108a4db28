import CSodium
import CZlib
import EdgeInference
import EdgeOps
import Foundation

/// Builders for test bundles: tar archives written here (independently of the reader under
/// test), gzip through zlib, Ed25519 keys through libsodium, and a tiny ONNX model.
enum Fixtures {
    struct TarMember {
        var name: String
        var type: UInt8 = UInt8(ascii: "0")
        var content: [UInt8] = []
        var link: String = ""
        /// Overrides the size field (to forge headers that lie about their content).
        var declaredSize: Int?
    }

    static func tar(_ members: [TarMember], endMarker: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        for member in members {
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, _ offset: Int, _ length: Int) {
                for (i, b) in text.utf8.prefix(length).enumerated() { header[offset + i] = b }
            }
            func octal(_ value: Int, _ offset: Int, _ length: Int) {
                let digits = String(value, radix: 8)
                put(String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits, offset, length - 1)
            }
            put(member.name, 0, 100)
            octal(0o644, 100, 8)
            octal(0, 108, 8)
            octal(0, 116, 8)
            octal(member.declaredSize ?? member.content.count, 124, 12)
            octal(0, 136, 12)
            header[156] = member.type
            put(member.link, 157, 100)
            put("ustar", 257, 6)
            put("00", 263, 2)
            for i in 148..<156 { header[i] = 0x20 }
            let sum = header.reduce(0) { $0 + Int($1) }
            octal(sum, 148, 7)
            header[155] = 0x20
            out += header
            out += member.content
            out += [UInt8](repeating: 0, count: (512 - member.content.count % 512) % 512)
        }
        if endMarker { out += [UInt8](repeating: 0, count: 1024) }
        return out
    }

    /// A pax header giving `path` to the next member.
    static func paxPath(_ path: String) -> TarMember {
        var length = path.utf8.count + 8
        var record = "\(length) path=\(path)\n"
        while record.utf8.count != length {
            length = record.utf8.count
            record = "\(length) path=\(path)\n"
        }
        return TarMember(name: "PaxHeader", type: UInt8(ascii: "x"), content: Array(record.utf8))
    }

    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        precondition(
            deflateInit2_(
                &stream,
                6,
                Z_DEFLATED,
                16 + MAX_WBITS,
                8,
                Z_DEFAULT_STRATEGY,
                zlibVersion(),
                Int32(MemoryLayout<z_stream>.size)
            ) == Z_OK
        )
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var input = bytes
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target -> Int in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return target.count - Int(stream.avail_out)
            }
        }
        return Array(output[..<produced])
    }

    struct KeyPair {
        var publicKey: [UInt8]
        var secretKey: [UInt8]

        init() {
            precondition(sodium_init() >= 0)
            publicKey = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
            secretKey = [UInt8](repeating: 0, count: Int(crypto_sign_SECRETKEYBYTES))
            crypto_sign_keypair(&publicKey, &secretKey)
        }

        func sign(_ message: [UInt8]) -> [UInt8] {
            var signature = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
            crypto_sign_detached(&signature, nil, message, UInt64(message.count), secretKey)
            return signature
        }
    }

    /// A one-node model (Relu) with input `images` of the given shape, optional metadata.
    static func onnx(shape: [Int] = [1, 3, 8, 8], metadata: [String: String] = [:]) throws -> [UInt8] {
        let graph = Graph(
            name: "tiny",
            nodes: [Node(name: "relu", opType: "Relu", inputs: ["images"], outputs: ["scores"])],
            inputs: [ValueInfo(name: "images", elementType: .float32, shape: shape)],
            outputs: [ValueInfo(name: "scores", elementType: .float32, shape: shape)]
        )
        let model = Model(
            metadata: metadata.sorted { $0.key < $1.key }.map { StringStringEntryProto(key: $0.key, value: $0.value) },
            graph: graph
        )
        let path = NSTemporaryDirectory() + "/edgeops-fixture-\(UUID().uuidString).onnx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A float32 `.npy` of the given shape filled with `value`.
    static func npy(shape: [Int], value: Float = 0.5) -> [UInt8] {
        NPY.encode(Tensor(floats: [Float](repeating: value, count: shape.reduce(1, *)), shape: shape))
    }

    /// A complete model bundle (`tar.gz`), optionally signed; `tamper` edits files after the manifest is made.
    static func bundle(
        name: String = "scratch",
        version: String = "1.0.0",
        shape: [Int] = [1, 3, 8, 8],
        signer: KeyPair? = nil,
        extraFiles: [String: [UInt8]] = [:],
        unlisted: [String: [UInt8]] = [:],
        tamper: [String: [UInt8]] = [:],
        golden: [ModelManifest.GoldenCase] = [],
        tolerance: ModelManifest.Tolerance? = nil,
        latencyBudgetMs: Double? = nil
    ) throws -> [UInt8] {
        var files: [String: [UInt8]] = ["model.onnx": try onnx(shape: shape)]
        files.merge(extraFiles) { $1 }
        let manifest = ModelManifest(
            name: name,
            version: version,
            input: .init(name: "images", shape: shape),
            labels: ["ok", "defect"],
            thresholds: ["defect": 0.6],
            files: files.mapValues { SHA256.hex($0) },
            golden: golden,
            tolerance: tolerance,
            latencyBudgetMs: latencyBudgetMs
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let manifestBytes = [UInt8](try encoder.encode(manifest))
        var members = [TarMember(name: "manifest.json", content: manifestBytes)]
        if let signer { members.append(TarMember(name: "manifest.json.sig", content: signer.sign(manifestBytes))) }
        files.merge(tamper) { $1 }
        files.merge(unlisted) { $1 }
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
            members.append(TarMember(name: path, content: bytes))
        }
        return gzip(tar(members))
    }
}
