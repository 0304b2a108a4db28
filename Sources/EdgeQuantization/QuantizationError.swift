/// An error from the quantizer, naming what was wrong and where.
public struct QuantizationError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable { case emptyCalibration, alreadyQuantized, nonFinite, invalidInput, invalidModel, io }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// No usable calibration sample (missing directory, nothing decodable).
        public static let emptyCalibration = Code(.emptyCalibration)
        /// The model already holds quantized operators or Q/DQ pairs.
        public static let alreadyQuantized = Code(.alreadyQuantized)
        /// A calibration sample or an activation held NaN or infinity.
        public static let nonFinite = Code(.nonFinite)
        /// A calibration tensor of the wrong shape or type.
        public static let invalidInput = Code(.invalidInput)
        /// The model cannot be prepared or run.
        public static let invalidModel = Code(.invalidModel)
        /// Reading or writing a file failed.
        public static let io = Code(.io)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The file concerned, when there is one.
    public var file: String?
    /// The node or tensor concerned, when there is one.
    public var value: String?

    public init(code: Code, message: String, file: String? = nil, value: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.value = value
    }

    public var description: String {
        var text = message
        if let file { text = "\(file): " + text }
        if let value { text += " (\(value))" }
        return text
    }
}
