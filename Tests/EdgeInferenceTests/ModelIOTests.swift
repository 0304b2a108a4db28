import Foundation
import Testing

@testable import EdgeInference

@Suite struct ModelIOTests {
    @Test func modelRoundTripsThroughAFile() throws {
        let dir = try TestModels.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = TestModels.convNet()
        try model.save(to: dir + "/m.onnx")
        let loaded = try Model.load(path: dir + "/m.onnx")
        #expect(loaded == model)
        #expect(loaded.metadata == [StringStringEntryProto(key: "labels", value: "a,b,c,d,e")])
        #expect(loaded.opsets == ["": 13])
    }

    @Test func protoRoundTripIsByteStable() throws {
        let bytes = TestModels.convNet().proto().model.serialized()
        let decoded = try ModelProto(decoding: ByteSlice(copying: bytes))
        #expect(decoded.serialized() == bytes)
    }

    /// raw_data stays a view into the loaded file's storage: no copy of the weights.
    @Test func rawDataIsNotCopied() throws {
        let bytes = TestModels.convNet().proto().model.serialized()
        let storage = ByteStorage(copying: bytes)
        let model = try Model(proto: ModelProto(decoding: storage.all), baseDirectory: nil)
        let w = try #require(model.graph.initializers["w"])
        #expect(w.data.storage === storage)
        #expect(w.data.count == 4 * 3 * 9 * 4)
    }

    @Test func typedDataFieldsAreRead() throws {
        var floats = TensorProto()
        floats.name = "f"
        floats.dataType = ElementType.float32.rawValue
        floats.dims = [2]
        floats.floatData = [1, -2]
        var int8s = TensorProto()
        int8s.name = "q"
        int8s.dataType = ElementType.int8.rawValue
        int8s.dims = [3]
        int8s.int32Data = [-5, 127, -128]
        var int64s = TensorProto()
        int64s.name = "s"
        int64s.dataType = ElementType.int64.rawValue
        int64s.int64Data = [-7]
        let resolver = ExternalDataResolver(baseDirectory: nil)
        #expect(try Tensor(proto: floats, external: resolver).floats() == [1, -2])
        #expect(try Tensor(proto: int8s, external: resolver).values(as: Int8.self) == [-5, 127, -128])
        let scalar = try Tensor(proto: int64s, external: resolver)
        #expect(scalar.shape == [])
        #expect(try scalar.ints() == [-7])
    }

    @Test func typedDataWithWrongCountIsAnError() throws {
        var t = TensorProto()
        t.name = "bad"
        t.dataType = ElementType.float32.rawValue
        t.dims = [3]
        t.floatData = [1, 2]
        let error = #expect(throws: ONNXError.self) {
            _ = try Tensor(proto: t, external: ExternalDataResolver(baseDirectory: nil))
        }
        #expect(error?.message.contains("'bad'") == true)
        #expect(error?.field == "TensorProto.float_data")
    }

    @Test func externalDataRoundTrips() throws {
        let dir = try TestModels.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = TestModels.convNet()
        try model.save(to: dir + "/ext.onnx", externalData: .init(location: "ext.data", threshold: 64))
        let proto = try ModelProto.load(path: dir + "/ext.onnx")
        let w = try #require(proto.graph?.initializers.first { $0.name == "w" })
        #expect(w.dataLocation == TensorProto.locationExternal)
        #expect(w.rawData == nil)
        let loaded = try Model.load(path: dir + "/ext.onnx")
        #expect(loaded == model)
    }

    @Test(arguments: [
        ("location", "../escape.data"),
        ("location", "/etc/passwd"),
        ("location", "missing.data"),
        ("offset", "999999"),
        ("offset", "-1"),
        ("length", "3"),
    ])
    func badExternalDataIsAnError(key: String, value: String) throws {
        let dir = try TestModels.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(repeating: 0, count: 64).write(to: URL(fileURLWithPath: dir + "/w.data"))
        var t = TensorProto()
        t.name = "w"
        t.dataType = ElementType.float32.rawValue
        t.dims = [4]
        t.dataLocation = TensorProto.locationExternal
        var entries = ["location": "w.data", "offset": "0", "length": "16"]
        entries[key] = value
        t.externalData = entries.sorted { $0.key < $1.key }.map { StringStringEntryProto(key: $0.key, value: $0.value) }
        let error = #expect(throws: ONNXError.self) {
            _ = try Tensor(proto: t, external: ExternalDataResolver(baseDirectory: dir))
        }
        #expect(error?.code == .externalData)
        #expect(error?.message.contains("'w'") == true)
    }

    @Test func missingFileIsAnIOError() throws {
        let error = #expect(throws: ONNXError.self) { _ = try Model.load(path: "/nonexistent/model.onnx") }
        #expect(error?.code == .io)
        #expect(error?.file == "/nonexistent/model.onnx")
    }

    @Test func modelWithoutGraphIsInvalid() throws {
        var p = ModelProto()
        p.irVersion = 8
        let error = #expect(throws: ONNXError.self) {
            _ = try Model(proto: ModelProto(decoding: ByteSlice(copying: p.serialized())), baseDirectory: nil)
        }
        #expect(error?.code == .invalidModel)
    }
}
