import EdgeInference
import Foundation

/// A manifest for a bare `.onnx`, read from its `metadata_props`:
/// `edgemlops.input_shape` (`1,3,224,224`), `edgemlops.input_name`, `edgemlops.labels`
/// (`ok,defect`) and `edgemlops.thresholds` (`defect=0.6,ok=0.2`).
extension ModelManifest {
    public static let metadataPrefix = "edgemlops."

    public static func fromMetadata(_ model: Model, name: String, version: String, file: String, sha256: String)
        throws(BundleError) -> ModelManifest
    {
        var metadata: [String: String] = [:]
        for entry in model.metadata { metadata[entry.key] = entry.value }
        var manifest = ModelManifest(name: name, version: version, files: ["model.onnx": sha256])
        if let shape = metadata[metadataPrefix + "input_shape"] {
            let dims = shape.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !dims.isEmpty, dims.allSatisfy({ ($0 ?? -1) > 0 }) else {
                throw BundleError(
                    code: .badManifest,
                    message: "'\(shape)' is not a list of positive dimensions",
                    file: file,
                    field: metadataPrefix + "input_shape"
                )
            }
            manifest.input = Input(name: metadata[metadataPrefix + "input_name"], shape: dims.map { $0! })
        }
        if let labels = metadata[metadataPrefix + "labels"] {
            manifest.labels = labels.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if let thresholds = metadata[metadataPrefix + "thresholds"] {
            for pair in thresholds.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let value = Double(parts[1].trimmingCharacters(in: .whitespaces)),
                    (0...1).contains(value)
                else {
                    throw BundleError(
                        code: .badManifest,
                        message: "'\(pair)' is not label=value with value in 0...1",
                        file: file,
                        field: metadataPrefix + "thresholds"
                    )
                }
                manifest.thresholds[parts[0].trimmingCharacters(in: .whitespaces)] = value
            }
        }
        return manifest
    }
}
