/// How camera pixels become a model's input, read from the model's `metadata_props`
/// (written by `models/train.py` and the quantizer) with the input's declared shape as fallback.
///
/// Keys (all optional): `edgemlops.input.name`, `edgemlops.input.size` (`WxH`),
/// `edgemlops.input.resize` (`bilinear`|`area`), `edgemlops.input.layout` (`NCHW`|`NHWC`),
/// `edgemlops.input.channels` (`RGB`|`GRAY`), `edgemlops.input.mean`, `edgemlops.input.std`
/// (comma lists on the 0…1 scale), `edgemlops.labels` (comma list).
public struct ModelInputSpec: Sendable, Hashable, Codable {
    public enum Layout: String, Sendable, Hashable, Codable { case nchw, nhwc }

    public var inputName: String
    public var width: Int
    public var height: Int
    /// 3 (RGB) or 1 (grey).
    public var channels: Int
    public var layout: Layout
    /// `bilinear` or `area`.
    public var resize: String
    public var mean: [Float]
    public var std: [Float]
    public var labels: [String]

    /// Reads the spec of `model`'s single image input.
    ///
    /// - Throws: ``ONNXError`` naming the metadata key or the input when they cannot describe an image.
    public init(model: Model) throws(ONNXError) {
        let metadata = Dictionary(model.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        let inputs = model.graph.runtimeInputs
        let named = metadata["edgemlops.input.name"]
        guard let input = named.flatMap({ name in inputs.first { $0.name == name } }) ?? (inputs.count == 1 ? inputs[0] : nil)
        else {
            throw ONNXError(code: .invalidModel, message: "the model has \(inputs.count) inputs (\(inputs.map(\.name).joined(separator: ", "))); set edgemlops.input.name"
            )
        }
        inputName = input.name
        let layoutText = metadata["edgemlops.input.layout"]?.lowercased() ?? "nchw"
        guard let layout = Layout(rawValue: layoutText) else {
            throw ONNXError(code: .invalidModel, message: "metadata edgemlops.input.layout '\(layoutText)' is not NCHW or NHWC")
        }
        self.layout = layout
        let shape = input.staticShape
        if let shape, shape.count == 4 {
            channels = layout == .nchw ? shape[1] : shape[3]
            height = layout == .nchw ? shape[2] : shape[1]
            width = layout == .nchw ? shape[3] : shape[2]
        } else {
            channels = metadata["edgemlops.input.channels"]?.uppercased() == "GRAY" ? 1 : 3
            width = 0
            height = 0
        }
        if let size = metadata["edgemlops.input.size"] {
            let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts.allSatisfy({ $0 > 0 && $0 <= 8192 }) else {
                throw ONNXError(code: .invalidModel, message: "metadata edgemlops.input.size '\(size)' is not WxH")
            }
            width = parts[0]
            height = parts[1]
        }
        guard width > 0, height > 0, channels == 1 || channels == 3 else {
            throw ONNXError(code: .invalidModel, message: "input '\(input.name)' (\(input.typeDescription)) is not a 1- or 3-channel image of known size; set edgemlops.input.size"
            )
        }
        resize = metadata["edgemlops.input.resize"]?.lowercased() ?? "bilinear"
        guard resize == "bilinear" || resize == "area" else {
            throw ONNXError(code: .invalidModel, message: "metadata edgemlops.input.resize '\(resize)' is not bilinear or area")
        }
        mean = try Self.floats(metadata, "edgemlops.input.mean", default: [0], channels: channels)
        std = try Self.floats(metadata, "edgemlops.input.std", default: [1], channels: channels)
        guard std.allSatisfy({ $0 > 0 }) else {
            throw ONNXError(code: .invalidModel, message: "metadata edgemlops.input.std must be positive")
        }
        labels = metadata["edgemlops.labels"].map { $0.split(separator: ",").map(String.init) } ?? []
    }

    /// The input tensor's shape for batch 1.
    public var shape: [Int] { layout == .nchw ? [1, channels, height, width] : [1, height, width, channels] }

    static func floats(_ metadata: [String: String], _ key: String, default value: [Float], channels: Int)
        throws(ONNXError) -> [Float]
    {
        guard let text = metadata[key] else { return value }
        let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: " ")) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite }), values.count == 1 || values.count == channels
        else {
            throw ONNXError(code: .invalidModel, message: "metadata \(key) '\(text)' must be 1 or \(channels) numbers")
        }
        return values.map { $0! }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
