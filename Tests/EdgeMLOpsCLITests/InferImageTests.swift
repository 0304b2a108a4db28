import EdgeInference
import EdgeTestSupport
import EdgeVision
import Testing

@testable import edgemlops

@Suite("edgemlops infer --image")
struct InferImageTests {
    /// GlobalAveragePool over a [1,3,8,8] input: the output is the per-channel mean of the input.
    static func poolModel(metadata: [String: String]) -> Model {
        var graph = Graph(name: "pool")
        graph.inputs = [ValueInfo(name: "image", elementType: .float32, shape: [1, 3, 8, 8])]
        graph.outputs = [ValueInfo(name: "means", elementType: .float32, shape: [1, 3, 1, 1])]
        graph.nodes = [Node(name: "gap", opType: "GlobalAveragePool", inputs: ["image"], outputs: ["means"])]
        return Model(
            opsets: ["": 13],
            metadata: metadata.sorted { $0.key < $1.key }.map { StringStringEntryProto(key: $0.key, value: $0.value) },
            graph: graph
        )
    }

    @Test("an image is resized and normalised as the metadata says")
    func preprocessingFollowsMetadata() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let model = Self.poolModel(metadata: ["edgemlops.input.mean": "0.5,0.25,0", "edgemlops.input.std": "0.5,0.25,1"])
        let spec = try ModelInputSpec(model: model)
        #expect(spec.width == 8 && spec.height == 8 && spec.channels == 3 && spec.layout == .nchw)
        // A flat colour survives any resize exactly, so the expected values are exact.
        let pixel: [UInt8] = [255, 51, 102]
        let image = Image(width: 20, height: 14, format: .rgb8, pixels: Array([[UInt8]](repeating: pixel, count: 20 * 14).joined()))
        directory.write(try image.pngData(), to: "flat.png")
        let tensor = try InferCommand.imageTensor(directory.file("flat.png"), spec: spec)
        #expect(tensor.shape == [1, 3, 8, 8])
        let values = tensor.floats()
        let expected: [Float] = [(1 - 0.5) / 0.5, (0.2 - 0.25) / 0.25, 0.4]
        for channel in 0..<3 {
            for value in values[(channel * 64)..<((channel + 1) * 64)] {
                #expect(abs(value - expected[channel]) < 1e-5)
            }
        }
        let outputs = try CompiledModel(model: model).makeSession().run(["image": tensor])
        let means = try #require(outputs["means"]).floats()
        for channel in 0..<3 { #expect(abs(means[channel] - expected[channel]) < 1e-5) }
    }

    @Test("bad metadata is named", arguments: [
        ("edgemlops.input.size", "eight"), ("edgemlops.input.layout", "CHWN"), ("edgemlops.input.std", "1,0,1"),
        ("edgemlops.input.mean", "1,2"), ("edgemlops.input.resize", "cubic"),
    ])
    func badMetadata(key: String, value: String) {
        let error = #expect(throws: ONNXError.self) { try ModelInputSpec(model: Self.poolModel(metadata: [key: value])) }
        #expect(error?.message.contains(key) == true)
    }

    @Test("a file that is not an image is named")
    func notAnImage() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write(Array("hello".utf8), to: "notes.png")
        let spec = try ModelInputSpec(model: Self.poolModel(metadata: [:]))
        let error = #expect(throws: (any Error).self) { try InferCommand.imageTensor(directory.file("notes.png"), spec: spec) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("notes.png"))
    }
}
