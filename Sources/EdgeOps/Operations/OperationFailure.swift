/// Why an operation failed; its description becomes the command's `reason`, naming the payload
/// field when the payload was at fault.
public struct OperationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var field: String?

    public init(_ message: String, field: String? = nil) {
        self.message = message
        self.field = field
    }

    public var description: String { field.map { "field '\($0)': \(message)" } ?? message }
}
