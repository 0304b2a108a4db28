/// Bad preprocessing input: a spec that does not fit the frame, or a frame that does not decode.
public struct PreprocessError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate let name: String
        public var description: String { name }
        public static let invalidSpec = Code(name: "invalidSpec")
        public static let roiOutsideFrame = Code(name: "roiOutsideFrame")
        public static let unsupportedPixelFormat = Code(name: "unsupportedPixelFormat")
        public static let truncatedFrame = Code(name: "truncatedFrame")
        public static let corruptJPEG = Code(name: "corruptJPEG")
    }

    public var code: Code
    /// The offending field ("roi", "mean", "fourcc", ...).
    public var field: String
    public var value: String
    public var detail: String

    public init(_ code: Code, field: String, value: String, detail: String) {
        self.code = code
        self.field = field
        self.value = value
        self.detail = detail
    }

    public var description: String { "preprocess: \(field)=\(value): \(detail) (\(code))" }
}
