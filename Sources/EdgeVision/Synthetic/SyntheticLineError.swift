/// A synthetic line configuration that cannot be rendered.
public struct SyntheticLineError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case invalidSize
            case invalidDefectRate
            case invalidPartFraction
        }
        private let base: Base

        /// Width or height outside ``SyntheticInspectionLine/Configuration/sizeRange``.
        public static let invalidSize = Code(base: .invalidSize)
        /// Defect rate not a number in 0...1.
        public static let invalidDefectRate = Code(base: .invalidDefectRate)
        /// Part fraction outside 0.2...1.
        public static let invalidPartFraction = Code(base: .invalidPartFraction)

        public var description: String {
            switch base {
            case .invalidSize: "invalid size"
            case .invalidDefectRate: "invalid defect rate"
            case .invalidPartFraction: "invalid part fraction"
            }
        }
    }

    public var code: Code
    /// The configuration field at fault.
    public var field: String
    /// The offending value, as text.
    public var value: String
    public var reason: String

    public init(code: Code, field: String, value: String, reason: String) {
        self.code = code
        self.field = field
        self.value = value
        self.reason = reason
    }

    public var description: String {
        "\(code): \(field) = \(value): \(reason)"
    }
}
