import EdgeInference
import EdgeOps
import Foundation

/// Installed model versions for host and operation tests, as the sm-plugin leaves them.
enum ModelStoreFixture {
    static let shape = [1, 3, 8, 8]

    /// `Relu(images)`, or `images * NaN` for a model that fails at run time.
    static func model(poisoned: Bool, scratch tmp: TemporaryDirectory) throws -> [UInt8] {
        let count = Self.shape.reduce(1, *)
        let graph = Graph(
            name: poisoned ? "poisoned" : "relu",
            nodes: [
                poisoned
                    ? Node(name: "mul", opType: "Mul", inputs: ["images", "poison"], outputs: ["scores"])
                    : Node(name: "relu", opType: "Relu", inputs: ["images"], outputs: ["scores"])
            ],
            initializers: poisoned
                ? ["poison": Tensor(floats: [Float](repeating: .nan, count: count), shape: Self.shape)] : [:],
            inputs: [ValueInfo(name: "images", elementType: .float32, shape: Self.shape)],
            outputs: [ValueInfo(name: "scores", elementType: .float32, shape: Self.shape)]
        )
        let path = tmp.path + "/model-\(UUID().uuidString).onnx"
        try Model(graph: graph).save(to: path)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Installs `version` as the sm-plugin would leave it: manifest.json and model.onnx.
    static func install(
        _ store: ArtifactStore,
        _ version: String,
        poisoned: Bool = false,
        brokenManifest: Bool = false,
        name: String = "scratch",
        scratch tmp: TemporaryDirectory
    ) throws {
        let model = try Self.model(poisoned: poisoned, scratch: tmp)
        let manifest = ModelManifest(
            name: name,
            version: version,
            input: .init(name: "images", shape: Self.shape),
            labels: ["ok", "defect"],
            files: ["model.onnx": SHA256.hex(model)]
        )
        let staging = try store.makeStaging(name: name, version: version)
        let manifestBytes = brokenManifest ? Array("{".utf8) : [UInt8](try JSONEncoder().encode(manifest))
        try Data(manifestBytes).write(to: URL(fileURLWithPath: staging + "/manifest.json"))
        try Data(model).write(to: URL(fileURLWithPath: staging + "/model.onnx"))
        try store.commit(staging: staging, name: name, version: version)
    }

}
