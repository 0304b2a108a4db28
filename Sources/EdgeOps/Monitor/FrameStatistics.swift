/// Input statistics of one frame, on the 8-bit luma plane scaled to 0...1: mean brightness,
/// contrast (standard deviation) and sharpness (mean absolute 4-neighbour Laplacian).
/// Lighting, lens fouling and focus drift move these before the model's scores move.
public struct FrameStatistics: Sendable, Equatable {
    public var brightness: Double
    public var contrast: Double
    public var sharpness: Double

    public init(brightness: Double, contrast: Double, sharpness: Double) {
        self.brightness = brightness
        self.contrast = contrast
        self.sharpness = sharpness
    }

    /// From a luma plane of `width` × `height` bytes (row stride `width`); nil when too small.
    public init?(luma: [UInt8], width: Int, height: Int) {
        guard width >= 3, height >= 3, luma.count >= width * height else { return nil }
        var sum = 0.0, squares = 0.0
        for value in luma[..<(width * height)] {
            let v = Double(value) / 255
            sum += v
            squares += v * v
        }
        let n = Double(width * height)
        let mean = sum / n
        var laplacian = 0.0
        for y in 1..<(height - 1) {
            for x in 1..<(width - 1) {
                let i = y * width + x
                let centre = 4 * Int(luma[i])
                let around = Int(luma[i - 1]) + Int(luma[i + 1]) + Int(luma[i - width]) + Int(luma[i + width])
                laplacian += Double(abs(centre - around)) / 255
            }
        }
        brightness = mean
        contrast = max(squares / n - mean * mean, 0).squareRoot()
        sharpness = laplacian / Double((width - 2) * (height - 2))
    }
}
