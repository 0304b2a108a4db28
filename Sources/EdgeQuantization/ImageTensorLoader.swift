import EdgeInference
import EdgeVision

/// Turns an image file into the input tensor a model expects, the way `edgemlops infer --image`
/// and the agent do: decode (PNG, JPEG, PPM/PGM), resize, colour, layout, mean/std from the
/// model's `edgemlops.input.*` metadata. Calibration must see exactly what inference sees, so
/// both call this one function.
public enum ImageTensorLoader {
    public static func tensor(_ path: String, spec: ModelInputSpec) throws -> Tensor {
        let decoded = try ImageFileSource.load(path, jpegDecoder: TurboJPEGFrameDecoder())
        let preprocessor = try Self.preprocessor(for: spec)
        guard case .float32(let values) = try preprocessor.run(decoded) else {
            throw QuantizationError(code: .invalidInput, message: "preprocessing did not produce float32 values", file: path)
        }
        return Tensor(floats: values, shape: spec.shape)
    }

    /// The preprocessing a model's `edgemlops.input.*` metadata asks for, optionally on a region
    /// of interest: the one definition the agent, calibration, `infer --image` and the model tests share.
    public static func preprocessor(for spec: ModelInputSpec, roi: PixelRect? = nil) throws -> Preprocessor {
        try Preprocessor(
            spec: PreprocessSpec(
                width: spec.width,
                height: spec.height,
                color: spec.channels == 1 ? .gray8 : .rgb8,
                roi: roi,
                resize: spec.resize == "area" ? .area : .bilinear,
                layout: spec.layout == .nchw ? .nchw : .nhwc,
                output: .float32,
                mean: spec.mean,
                std: spec.std
            )
        )
    }
}
