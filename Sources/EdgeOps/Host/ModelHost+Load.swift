import EdgeInference
import Foundation

extension ModelHost {
    /// Reads `manifest.json` of an installed version and compiles its model for the manifest's
    /// input shape.
    static func load(directory: String, version: String) throws(ModelHostError) -> (
        ModelInfo, CompiledModel, ModelInputSpec?
    ) {
        let manifestPath = directory + "/" + InstallGate.manifestFile
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw ModelHostError(code: .unloadable, message: "cannot read", version: version, file: manifestPath)
        }
        let manifest: ModelManifest
        do {
            manifest = try ModelManifest.decode([UInt8](data), file: manifestPath)
        } catch {
            throw ModelHostError(code: .unloadable, message: "\(error)", version: version, file: manifestPath)
        }
        let modelPath = directory + "/" + manifest.model
        var shapes: [String: [Int]] = [:]
        let compiled: CompiledModel
        let spec: ModelInputSpec?
        do {
            let model = try Model.load(path: modelPath)
            spec = try? ModelInputSpec(model: model)
            if let input = manifest.input,
                let inputName = input.name ?? model.graph.runtimeInputs.first?.name
            {
                shapes[inputName] = input.shape
            }
            compiled = try CompiledModel(model: model, inputShapes: shapes)
        } catch {
            throw ModelHostError(code: .unloadable, message: "\(error)", version: version, file: modelPath)
        }
        let info = ModelInfo(
            name: manifest.name,
            version: manifest.version,
            sha256: manifest.files[manifest.model] ?? "",
            input: manifest.input,
            labels: manifest.labels,
            thresholds: manifest.thresholds
        )
        return (info, compiled, spec)
    }
}
