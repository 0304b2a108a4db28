import EdgeInference
import Foundation

/// Calibration samples: input tensors read from image files (preprocessed per the model's input
/// spec) or from `.npy` files. Files that are neither are skipped and counted, never fatal.
public struct CalibrationSet: Sendable {
    /// One sample per entry: input name → tensor.
    public var samples: [[String: Tensor]]
    /// Paths skipped because they were not a readable image or tensor, with the reason.
    public var skipped: [(path: String, reason: String)]

    public init(samples: [[String: Tensor]], skipped: [(path: String, reason: String)] = []) {
        self.samples = samples
        self.skipped = skipped
    }

    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "ppm", "pgm"]

    /// Loads every image or `.npy` file in `paths` (directories are listed, sorted by name).
    ///
    /// - Throws: ``QuantizationError`` `emptyCalibration` when a path is missing or nothing usable was found.
    public static func load(paths: [String], model: Model) throws(QuantizationError) -> CalibrationSet {
        guard !paths.isEmpty else {
            throw QuantizationError(code: .emptyCalibration, message: "static quantization needs --calibration DIR or FILE.npy")
        }
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw QuantizationError(code: .emptyCalibration, message: "calibration path does not exist", file: path)
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        let runtimeInputs = model.graph.runtimeInputs
        guard let input = runtimeInputs.first else {
            throw QuantizationError(code: .invalidModel, message: "the model has no runtime input")
        }
        // The spec is only needed for images; a model without metadata can still calibrate from .npy.
        let spec = try? ModelInputSpec(model: model)
        var set = CalibrationSet(samples: [])
        for file in files {
            let ext = (file as NSString).pathExtension.lowercased()
            do {
                let tensor: Tensor
                if ext == "npy" {
                    tensor = try NPY.read(path: file)
                } else if imageExtensions.contains(ext) {
                    guard let spec else {
                        set.skipped.append((file, "the model has no input spec to preprocess images with"))
                        continue
                    }
                    tensor = try ImageTensorLoader.tensor(file, spec: spec)
                } else {
                    set.skipped.append((file, "not an image or .npy file"))
                    continue
                }
                try Self.check(tensor, against: input, file: file)
                set.samples.append([runtimeInputs.count == 1 ? input.name : (spec?.inputName ?? input.name): tensor])
            } catch let error as QuantizationError {
                guard error.code == .invalidInput else { throw error }
                set.skipped.append((file, error.message))
            } catch {
                set.skipped.append((file, "\(error)"))
            }
        }
        guard !set.samples.isEmpty else {
            throw QuantizationError(
                code: .emptyCalibration,
                message: "no usable calibration sample (\(set.skipped.count) file(s) skipped)",
                file: paths.joined(separator: ", ")
            )
        }
        return set
    }

    /// Rejects NaN/infinity (a range from them would be meaningless) and wrong shapes.
    static func check(_ tensor: Tensor, against input: ValueInfo, file: String) throws(QuantizationError) {
        guard tensor.elementType == .float32 else {
            throw QuantizationError(code: .invalidInput, message: "calibration tensor is \(tensor.elementType), the model wants float32", file: file)
        }
        if let shape = input.staticShape, shape != tensor.shape {
            throw QuantizationError(
                code: .invalidInput, message: "calibration tensor has shape \(tensor.shape), the model wants \(shape)", file: file)
        }
        if let bad = tensor.values(as: Float.self).firstIndex(where: { !$0.isFinite }) {
            throw QuantizationError(code: .nonFinite, message: "calibration data holds NaN or infinity at element \(bad)", file: file)
        }
    }
}
