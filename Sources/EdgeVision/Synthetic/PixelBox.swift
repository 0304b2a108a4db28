/// An axis-aligned box in pixel coordinates: columns x..<x+width, rows y..<y+height.
public struct PixelBox: Sendable, Hashable, Codable {
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

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < maxX && py >= y && py < maxY
    }

    /// The part of this box inside a width × height image (possibly empty).
    public func clipped(width imageWidth: Int, height imageHeight: Int) -> PixelBox {
        let x0 = max(0, x)
        let y0 = max(0, y)
        let x1 = min(imageWidth, maxX)
        let y1 = min(imageHeight, maxY)
        return PixelBox(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }
}
