import Foundation
import Testing

@testable import EdgeInference

/// Deterministic mutation fuzzing of the ONNX reader and everything behind it (IR import,
/// normalization, shape inference). A crash fails the whole test run; every rejected input
/// must surface as a thrown ``ONNXError`` with a message.
@Suite struct FuzzTests {
    static let seeds: [(String, [UInt8])] = [
        ("convnet", TestModels.convNet().proto().model.serialized()),
        ("kitchen-sink", TestModels.kitchenSink().proto().model.serialized()),
        ("shape-subgraph", ConstantFoldingTests.reshapeFromShape().proto().model.serialized()),
    ]

    enum Outcome { case accepted, rejected }

    static func iterations(default value: Int) -> Int {
        ProcessInfo.processInfo.environment["EDGEMLOPS_FUZZ_ITERATIONS"].flatMap(Int.init) ?? value
    }

    /// Runs the full load pipeline on `bytes`; returns whether it was accepted.
    static func exercise(_ bytes: [UInt8]) -> Outcome {
        do {
            let proto = try ModelProto(decoding: ByteSlice(copying: bytes))
            _ = proto.serialized()
            let model = try Model(proto: proto, baseDirectory: nil)
            let normalized = try model.normalized()
            _ = try ShapeInference.infer(normalized)
            _ = ModelInspection(model: model)
            return .accepted
        } catch {
            // Typed throws: anything caught here is an ONNXError; it must say something.
            #expect(!error.message.isEmpty)
            return .rejected
        }
    }

    /// Offsets of every length prefix in a protobuf message tree (found by parsing each
    /// length-delimited payload as a message when it parses).
    static func lengthFieldOffsets(_ bytes: [UInt8]) -> [Int] {
        var offsets: [Int] = []
        func walk(_ slice: ByteSlice, depth: Int) {
            guard depth < 12, var reader = try? ProtoReader(slice, message: "fuzz") else { return }
            while let field = try? reader.nextField() {
                if field.wireType == .lengthDelimited {
                    let at = reader.position
                    guard let payload = try? reader.readLengthDelimited() else { return }
                    offsets.append(at)
                    walk(payload, depth: depth + 1)
                } else if (try? reader.skip(field.wireType)) == nil {
                    return
                }
            }
        }
        walk(ByteSlice(copying: bytes), depth: 0)
        return offsets
    }

    static func mutate(_ seed: [UInt8], lengthOffsets: [Int], rng: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        switch rng.next() % 6 {
        case 0:  // bit flips
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let i = Int(rng.next() % UInt64(bytes.count))
                bytes[i] ^= UInt8(1) << (rng.next() % 8)
            }
        case 1:  // truncation
            bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
        case 2, 3:  // corrupt a length prefix: tiny, off by a little, huge or a 10-byte varint
            guard let at = lengthOffsets.randomElement(using: &rng) else { break }
            let replacements: [[UInt8]] = [
                [0x00], [0x01], [0x7F], [bytes[at] &+ 1], [bytes[at] &- 1],
                [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
            ]
            var end = at
            while end < bytes.count, bytes[end] & 0x80 != 0 { end += 1 }
            bytes.replaceSubrange(at...min(end, bytes.count - 1), with: replacements.randomElement(using: &rng)!)
        case 4:  // interesting byte values
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let i = Int(rng.next() % UInt64(bytes.count))
                bytes[i] = [0x00, 0xFF, 0x80, 0x7F, 0x01].randomElement(using: &rng)!
            }
        default:  // insert or delete a run of bytes
            let i = Int(rng.next() % UInt64(bytes.count))
            if rng.next() % 2 == 0 {
                bytes.insert(
                    contentsOf: (0..<(1 + rng.next() % 16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) },
                    at: i
                )
            } else {
                bytes.removeSubrange(i..<min(bytes.count, i + 1 + Int(rng.next() % 16)))
            }
        }
        return bytes
    }

    @Test(arguments: 0..<seeds.count)
    func mutatedModelsNeverCrash(seedIndex: Int) throws {
        let (name, seed) = Self.seeds[seedIndex]
        #expect(Self.exercise(seed) == .accepted, "the unmutated \(name) model must load")
        let offsets = Self.lengthFieldOffsets(seed)
        #expect(offsets.count > 20)
        let base = ProcessInfo.processInfo.environment["EDGEMLOPS_FUZZ_SEED"].flatMap(UInt64.init) ?? 0xED6E
        var rng = SplitMix64(seed: base + UInt64(seedIndex))
        var rejected = 0
        // EDGEMLOPS_FUZZ_ITERATIONS raises the count for longer local runs; the default keeps `swift test` quick.
        let iterations = Self.iterations(default: 2500)
        for _ in 0..<iterations {
            if Self.exercise(Self.mutate(seed, lengthOffsets: offsets, rng: &rng)) == .rejected { rejected += 1 }
        }
        // Mutations must actually hit the decoder: most of them are rejected.
        #expect(rejected > iterations / 4, "\(name): only \(rejected) of \(iterations) mutants were rejected")
    }

    /// `.npy` headers and payloads, mutated: every outcome is a tensor or an NPYError.
    @Test func mutatedNumpyFilesNeverCrash() throws {
        let seeds = [
            NPY.encode(Tensor(floats: TestModels.floats(24, seed: 9), shape: [2, 3, 4])),
            NPY.encode(Tensor([Int8(-1), 2, 3], shape: [3], type: .int8)),
            NPY.encode(Tensor(int64s: [7], shape: [])),
        ]
        var rng = SplitMix64(seed: 0x4E50)
        var rejected = 0
        for i in 0..<Self.iterations(default: 3000) {
            let seed = seeds[i % seeds.count]
            // Most mutations land in the 64-byte header, where the interesting parsing is.
            var bytes = seed
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = Int(rng.next() % UInt64(min(bytes.count, 80)))
                switch rng.next() % 4 {
                case 0: bytes[at] ^= UInt8(1) << (rng.next() % 8)
                case 1: bytes[at] = Array("(),:'{} -0123456789fiub<>|LTrue".utf8).randomElement(using: &rng)!
                case 2: bytes = Array(bytes.prefix(at))
                default: bytes.insert(Array("9,'".utf8).randomElement(using: &rng)!, at: at)
                }
                if bytes.isEmpty { break }
            }
            do {
                let tensor = try NPY.decode(ByteSlice(copying: bytes))
                #expect(tensor.data.count == tensor.count * tensor.elementType.byteWidth)
            } catch {
                #expect(!error.message.isEmpty)
                rejected += 1
            }
        }
        #expect(rejected > 0)
    }

    /// Semantic fuzzing: valid protobuf, absurd attribute and dimension values.
    @Test func absurdAttributeValuesNeverCrash() throws {
        let values = [0, -1, 1, 2, 3, -7, Int.max, Int.min, 1 << 40, Int(Int32.max)]
        var rng = SplitMix64(seed: 42)
        for base in [TestModels.convNet(), TestModels.kitchenSink(), ConstantFoldingTests.reshapeFromShape()] {
            for _ in 0..<Self.iterations(default: 1500) {
                var model = base
                let n = Int(rng.next() % UInt64(model.graph.nodes.count))
                var node = model.graph.nodes[n]
                switch rng.next() % 4 {
                case 0:
                    let key = [
                        "strides", "pads", "dilations", "kernel_shape", "perm", "axes", "output_padding",
                        "output_shape",
                    ]
                    .randomElement(using: &rng)!
                    node.attributes[key] = .ints(
                        (0..<Int(rng.next() % 9)).map { _ in values.randomElement(using: &rng)! }
                    )
                case 1:
                    let key = [
                        "group", "axis", "transA", "transB", "keepdims", "ceil_mode", "to", "allowzero", "start", "end",
                    ]
                    .randomElement(using: &rng)!
                    node.attributes[key] = .int(values.randomElement(using: &rng)!)
                case 2:
                    let key = model.graph.initializers.keys.sorted().randomElement(using: &rng)!
                    let dims = (0..<Int(rng.next() % 5)).map { _ in values.randomElement(using: &rng)! }
                    if let t = try? Tensor(
                        elementType: .int64,
                        shape: dims.map { max(0, min($0, 3)) },
                        data: ByteSlice(
                            copying: [UInt8](repeating: 0xFF, count: 8 * dims.map { max(0, min($0, 3)) }.reduce(1, *))
                        )
                    ) {
                        model.graph.initializers[key] = t
                    }
                default:
                    model.graph.inputs[0].shape = (0..<Int(rng.next() % 6)).map { _ in
                        .value(Int64(values.randomElement(using: &rng)!))
                    }
                }
                model.graph.nodes[n] = node
                _ = Self.exercise(model.proto().model.serialized())
            }
        }
    }
}
