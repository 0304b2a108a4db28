/// A model that cannot serve the pipeline, naming the model file and the reason.
public struct InferenceBackendError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No model file under any searched path.
        public static let notFound = Code(rawValue: "not-found")
        /// The file does not load, compile, or lacks input metadata.
        public static let invalidModel = Code(rawValue: "invalid-model")
        /// Preprocessing or the run failed for one frame.
        public static let inference = Code(rawValue: "inference")
    }

    public var code: Code
    /// The model file, or the configured name when no file was found.
    public var model: String
    public var message: String

    public init(code: Code, model: String, message: String) {
        self.code = code
        self.model = model
        self.message = message
    }

    public var description: String { "\(model): \(message)" }
}
