import EdgeAgent
import EdgeInference
import EdgeOps
import EdgeTestSupport
import EdgeVision
import Foundation
import Logging
import Testing

/// Pipelines whose model is installed in the store run through ModelHost: the default backend
/// factory picks it, a frame is classified with the store's labels, and an activation swaps the
/// model between two frames.
@Suite struct ModelHostBackendTests {
    /// `GlobalAveragePool → Flatten → MatMul(W)`: logits are weighted channel means, so a red
    /// frame scores `red` with `W = [[1,0],[0,1],[0,0]]` and `green` with the columns swapped.
    static func model(swapped: Bool) throws -> [UInt8] {
        let w: [Float] = swapped ? [0, 1, 1, 0, 0, 0] : [1, 0, 0, 1, 0, 0]
        let graph = Graph(
            name: "channel-means",
            nodes: [
                Node(name: "gap", opType: "GlobalAveragePool", inputs: ["input"], outputs: ["pooled"]),
                Node(name: "flat", opType: "Flatten", inputs: ["pooled"], outputs: ["features"]),
                Node(name: "head", opType: "MatMul", inputs: ["features", "w"], outputs: ["logits"]),
            ],
            initializers: ["w": Tensor(floats: w, shape: [3, 2])],
            inputs: [ValueInfo(name: "input", elementType: .float32, shape: [1, 3, 8, 8])],
            outputs: [ValueInfo(name: "logits", elementType: .float32, shape: [1, 2])]
        )
        let metadata = [
            StringStringEntryProto(key: "edgemlops.input.size", value: "8x8"),
            StringStringEntryProto(key: "edgemlops.labels", value: "red,green"),
        ]
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/model.onnx"
        try Model(metadata: metadata, graph: graph).save(to: path)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func install(_ store: ArtifactStore, version: String, swapped: Bool) throws {
        let bytes = try model(swapped: swapped)
        let manifest = ModelManifest(
            name: "colour", version: version, input: .init(name: "input", shape: [1, 3, 8, 8]),
            labels: ["red", "green"], files: ["model.onnx": SHA256.hex(bytes)])
        let staging = try store.makeStaging(name: "colour", version: version)
        try Data(try JSONEncoder().encode(manifest)).write(to: URL(fileURLWithPath: staging + "/manifest.json"))
        try Data(bytes).write(to: URL(fileURLWithPath: staging + "/model.onnx"))
        try store.commit(staging: staging, name: "colour", version: version)
    }

    static let redFrame = CameraFrame(
        fourcc: .rgb24, width: 16, height: 16, bytesPerLine: 48,
        data: (0..<256).flatMap { _ in [UInt8(220), 30, 30] }, timestampNs: 1, sequence: 0)

    @Test func storeModelIsServedByTheHostAndSwapsOnActivation() throws {
        let state = TemporaryDirectory()
        defer { state.remove() }
        let store = ArtifactStore(root: state.path + "/models", kind: .model)
        try Self.install(store, version: "1", swapped: false)
        try Self.install(store, version: "2", swapped: true)
        try store.activate(name: "colour", version: "1")
        let configuration = try AgentConfiguration.parse(
            """
            [state]
            directory = "\(state.path)"
            [[pipelines]]
            name = "line1"
            model = "colour"
            flows = "\(state.path)/flows"
            """, file: "host.toml")
        let factory = AgentRuntime.defaultBackend(executablePath: nil, logger: Logger(label: "test.host"))
        let backend = try factory(configuration.pipelines[0], configuration)
        let hosted = try #require(backend as? ModelHostBackend, "an installed model must be served by ModelHost")

        let first = try hosted.infer(Self.redFrame)
        #expect(first.label == "red")
        #expect(hosted.host.current?.info.version == "1")

        _ = try hosted.host.activate(version: "2")
        let second = try hosted.infer(Self.redFrame)
        #expect(second.label == "green", "the frame after activation must run version 2")
        #expect(try store.active("colour") == "2")
    }

    @Test func modelNotInTheStoreIsLoadedFromItsFile() throws {
        let state = TemporaryDirectory()
        defer { state.remove() }
        let path = state.path + "/colour.onnx"
        try Data(try Self.model(swapped: false)).write(to: URL(fileURLWithPath: path))
        let configuration = try AgentConfiguration.parse(
            """
            [state]
            directory = "\(state.path)"
            [[pipelines]]
            name = "line1"
            model = "\(path)"
            flows = "\(state.path)/flows"
            """, file: "file.toml")
        let backend = try AgentRuntime.defaultBackend(executablePath: nil, logger: Logger(label: "test.host"))(
            configuration.pipelines[0], configuration)
        #expect(backend is CompiledModelBackend)
        #expect(try backend.infer(Self.redFrame).label == "red")
    }
}
