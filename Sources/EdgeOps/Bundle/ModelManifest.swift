import Foundation

/// `manifest.json` of a model bundle. Written by the publisher, signed as a whole, and the
/// anchor of every checksum: the model and golden files are trusted through it.
public struct ModelManifest: Codable, Sendable, Equatable {
    public struct Input: Codable, Sendable, Equatable {
        /// The graph input the camera pipeline feeds; nil means the model's only input.
        public var name: String?
        /// Concrete dimensions, e.g. `[1, 3, 224, 224]`.
        public var shape: [Int]
        public var elementType: String?

        public init(name: String? = nil, shape: [Int], elementType: String? = nil) {
            self.name = name
            self.shape = shape
            self.elementType = elementType
        }
    }

    /// One golden case: input tensor and expected output tensor, both `.npy` paths in the bundle.
    public struct GoldenCase: Codable, Sendable, Equatable {
        public var input: String
        public var expected: String

        public init(input: String, expected: String) {
            self.input = input
            self.expected = expected
        }
    }

    /// How far the device's outputs may stray from the golden outputs. Absent fields take the
    /// defaults of ``GoldenSetValidator``: one quantization step for integer outputs, 1/255 for float
    /// outputs, and top-1 agreement along the last axis.
    public struct Tolerance: Codable, Sendable, Equatable {
        public var absolute: Double?
        public var top1: Bool?

        public init(absolute: Double? = nil, top1: Bool? = nil) {
            self.absolute = absolute
            self.top1 = top1
        }
    }

    public var name: String
    public var version: String
    /// The model file in the bundle; `model.onnx` by default.
    public var model: String
    public var input: Input?
    public var labels: [String]
    /// Per-label decision thresholds (0...1).
    public var thresholds: [String: Double]
    /// sha256 (lowercase hex) of every file in the bundle except the manifest and its signature.
    public var files: [String: String]
    public var golden: [GoldenCase]
    public var tolerance: Tolerance?
    /// Median latency allowed on the device, milliseconds; the agent configuration may override it.
    public var latencyBudgetMs: Double?

    public init(
        name: String,
        version: String,
        model: String = "model.onnx",
        input: Input? = nil,
        labels: [String] = [],
        thresholds: [String: Double] = [:],
        files: [String: String] = [:],
        golden: [GoldenCase] = [],
        tolerance: Tolerance? = nil,
        latencyBudgetMs: Double? = nil
    ) {
        self.name = name
        self.version = version
        self.model = model
        self.input = input
        self.labels = labels
        self.thresholds = thresholds
        self.files = files
        self.golden = golden
        self.tolerance = tolerance
        self.latencyBudgetMs = latencyBudgetMs
    }

    enum CodingKeys: String, CodingKey {
        case name, version, model, input, labels, thresholds, files, golden, tolerance, latencyBudgetMs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        version = try c.decode(String.self, forKey: .version)
        model = try c.decodeIfPresent(String.self, forKey: .model) ?? "model.onnx"
        input = try c.decodeIfPresent(Input.self, forKey: .input)
        labels = try c.decodeIfPresent([String].self, forKey: .labels) ?? []
        thresholds = try c.decodeIfPresent([String: Double].self, forKey: .thresholds) ?? [:]
        files = try c.decode([String: String].self, forKey: .files)
        golden = try c.decodeIfPresent([GoldenCase].self, forKey: .golden) ?? []
        tolerance = try c.decodeIfPresent(Tolerance.self, forKey: .tolerance)
        latencyBudgetMs = try c.decodeIfPresent(Double.self, forKey: .latencyBudgetMs)
    }

    /// Decodes and checks the manifest; errors name the file and the field.
    public static func decode(_ bytes: [UInt8], file: String) throws(BundleError) -> ModelManifest {
        let manifest: ModelManifest
        do {
            manifest = try JSONDecoder().decode(ModelManifest.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw BundleError(code: .badManifest, message: "required field missing", file: file, field: key.stringValue)
        } catch let DecodingError.typeMismatch(_, context) {
            throw BundleError(
                code: .badManifest,
                message: context.debugDescription,
                file: file,
                field: context.codingPath.map(\.stringValue).joined(separator: ".")
            )
        } catch {
            throw BundleError(code: .badManifest, message: "not valid JSON: \(error)", file: file)
        }
        for (label, value) in manifest.thresholds where !(0...1).contains(value) {
            throw BundleError(
                code: .badManifest,
                message: "threshold \(value) outside 0...1",
                file: file,
                field: "thresholds.\(label)"
            )
        }
        if let absolute = manifest.tolerance?.absolute, !(absolute >= 0 && absolute.isFinite) {
            throw BundleError(
                code: .badManifest,
                message: "\(absolute) is not a finite non-negative tolerance",
                file: file,
                field: "tolerance.absolute"
            )
        }
        if let budget = manifest.latencyBudgetMs, !(budget > 0 && budget.isFinite) {
            throw BundleError(
                code: .badManifest,
                message: "\(budget) is not a positive budget",
                file: file,
                field: "latencyBudgetMs"
            )
        }
        for (path, digest) in manifest.files where digest.count != 64 || !digest.allSatisfy(\.isHexDigit) {
            throw BundleError(
                code: .badManifest,
                message: "'\(digest)' is not a sha256 hex digest",
                file: file,
                field: "files.\(path)"
            )
        }
        guard manifest.files[manifest.model] != nil else {
            throw BundleError(
                code: .badManifest,
                message: "the model '\(manifest.model)' has no checksum",
                file: file,
                field: "files"
            )
        }
        return manifest
    }
}
