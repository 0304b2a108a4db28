/// An error reading, writing or interpreting an ONNX model.
///
/// Equality compares the code only, so tests can match on the kind of failure; the
/// context fields say where the problem is (file, byte offset, protobuf field, node).
public struct ONNXError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case io, malformed, invalidModel, unsupportedOperator, unsupported, externalData, shapeInference
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file could not be opened, mapped or written.
        public static let io = Code(.io)
        /// The protobuf bytes are not a valid encoding (truncated, bad varint, bad length, wrong wire type).
        public static let malformed = Code(.malformed)
        /// The protobuf decoded, but the model breaks an ONNX rule (missing tensor data, bad dims, cycle, ...).
        public static let invalidModel = Code(.invalidModel)
        /// An operator we do not implement (the error names op type, node and opset).
        public static let unsupportedOperator = Code(.unsupportedOperator)
        /// A feature of the format we deliberately do not handle (an element type, a sparse tensor, ...).
        public static let unsupported = Code(.unsupported)
        /// An external data reference is missing, escapes the model directory or is out of bounds.
        public static let externalData = Code(.externalData)
        /// Static shape inference failed: incompatible shapes or attribute values.
        public static let shapeInference = Code(.shapeInference)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The model (or external data) file, when known.
    public var file: String?
    /// The byte offset in ``file`` where decoding failed, for ``Code/malformed``.
    public var offset: Int?
    /// The protobuf field or attribute involved, e.g. `TensorProto.dims` or `Conv.strides`.
    public var field: String?
    /// The node involved, when the error concerns one.
    public var node: String?

    public init(
        code: Code,
        message: String,
        file: String? = nil,
        offset: Int? = nil,
        field: String? = nil,
        node: String? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.offset = offset
        self.field = field
        self.node = node
    }

    public var description: String {
        var where_: [String] = []
        if let file { where_.append(file) }
        if let offset { where_.append("byte \(offset)") }
        if let field { where_.append("field \(field)") }
        if let node { where_.append("node '\(node)'") }
        let location = where_.isEmpty ? "" : " (" + where_.joined(separator: ", ") + ")"
        return "ONNX \(code) error: \(message)\(location)"
    }

    /// A copy with ``file`` filled in if it was not set (errors are raised deep inside decoders
    /// that do not know the file name).
    func inFile(_ path: String) -> ONNXError {
        var copy = self
        if copy.file == nil { copy.file = path }
        return copy
    }
}

extension ONNXError: Equatable {
    public static func == (lhs: ONNXError, rhs: ONNXError) -> Bool { lhs.code == rhs.code }
}
