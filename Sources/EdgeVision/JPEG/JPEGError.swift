/// A JPEG that could not be decoded or an image that could not be encoded.
///
/// Equality compares the code only.
public struct JPEGError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable { case corrupt, unsupported, tooLarge, library }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The bytes are not a complete, valid JPEG.
        public static let corrupt = Code(.corrupt)
        /// Valid JPEG, but not something we decode (CMYK, say).
        public static let unsupported = Code(.unsupported)
        /// Dimensions beyond ``JPEGCodec/maximumPixels``.
        public static let tooLarge = Code(.tooLarge)
        /// libturbojpeg could not start.
        public static let library = Code(.library)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The file or frame the bytes came from, when the caller said.
    public var source: String?

    public init(code: Code, message: String, source: String? = nil) {
        self.code = code
        self.message = message
        self.source = source
    }

    public var description: String {
        if let source { return "\(source): \(message)" }
        return message
    }
}

extension JPEGError: Equatable {
    public static func == (lhs: JPEGError, rhs: JPEGError) -> Bool { lhs.code == rhs.code }
}
