/// Pixel layouts an ``Image`` can hold. Interleaved, 8 bits per channel, rows packed.
public enum PixelFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// Red, green, blue: 3 bytes per pixel.
    case rgb8
    /// Luma only: 1 byte per pixel.
    case gray8

    public var channels: Int {
        switch self {
        case .rgb8: 3
        case .gray8: 1
        }
    }
}

/// An 8-bit image with tightly packed rows (stride = width × channels).
public struct Image: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var format: PixelFormat
    public var pixels: [UInt8]

    /// Wraps `pixels`, which must hold exactly width × height × channels bytes.
    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "image dimensions must be positive")
        precondition(pixels.count == width * height * format.channels, "pixel count does not match dimensions")
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// A blank (black) image.
    public init(width: Int, height: Int, format: PixelFormat) {
        self.init(
            width: width,
            height: height,
            format: format,
            pixels: [UInt8](repeating: 0, count: width * height * format.channels)
        )
    }

    public var bytesPerRow: Int { width * format.channels }
}
