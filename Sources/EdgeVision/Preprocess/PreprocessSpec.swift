/// A rectangle in pixels, origin top-left.
public struct PixelRect: Sendable, Hashable, Codable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// What the model wants as input, and how to get there from a camera frame.
public struct PreprocessSpec: Sendable, Hashable, Codable {
    public enum Resize: String, Sendable, Hashable, Codable {
        /// Half-pixel bilinear (good for upscaling and mild downscaling).
        case bilinear
        /// Box average over each output pixel's footprint (anti-aliased downscaling).
        case area
    }

    public enum Layout: String, Sendable, Hashable, Codable {
        case nhwc, nchw
    }

    /// The element type of the model input.
    public enum Output: Sendable, Hashable, Codable {
        case float32
        /// Quantised straight from pixels with the model input's scale and zero point.
        case int8(scale: Float, zeroPoint: Int32)
        case uint8(scale: Float, zeroPoint: Int32)
    }

    /// Crop in frame pixels before resizing; nil means the whole frame.
    public var roi: PixelRect?
    public var width: Int
    public var height: Int
    /// `.rgb8` or `.gray8`.
    public var color: PixelFormat
    public var resize: Resize
    public var layout: Layout
    public var output: Output
    /// Per-channel mean and std on the 0...1 scale: value = (pixel / 255 - mean) / std.
    public var mean: [Float]
    public var std: [Float]

    public init(
        width: Int, height: Int, color: PixelFormat = .rgb8, roi: PixelRect? = nil, resize: Resize = .bilinear,
        layout: Layout = .nchw, output: Output = .float32, mean: [Float] = [0], std: [Float] = [1]
    ) {
        self.width = width
        self.height = height
        self.color = color
        self.roi = roi
        self.resize = resize
        self.layout = layout
        self.output = output
        self.mean = mean
        self.std = std
    }

    /// Element count of the model input (batch 1).
    public var elementCount: Int { width * height * color.channels }
}
