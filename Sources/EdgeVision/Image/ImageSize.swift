/// A width × height in pixels, written `WxH` on command lines and in configuration.
public struct ImageSize: Sendable, Hashable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses `640x480` (also `640X480`). Both numbers must be positive decimal integers.
    public init(parsing text: String) throws(ImageSizeError) {
        let parts = text.split(separator: "x", maxSplits: 1, omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "X", maxSplits: 1, omittingEmptySubsequences: false) }
        guard parts.count == 2,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0
        else {
            throw ImageSizeError(value: text)
        }
        self.init(width: width, height: height)
    }

    public var description: String { "\(width)x\(height)" }
}
