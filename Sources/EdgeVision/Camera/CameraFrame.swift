/// One captured frame, copied out of the driver's buffer so the buffer can be re-queued at once.
public struct CameraFrame: Sendable, Hashable {
    public var fourcc: FourCC
    public var width: Int
    public var height: Int
    /// Row stride of the first plane in bytes (for NV12 also of the chroma plane).
    public var bytesPerLine: Int
    public var data: [UInt8]
    /// CLOCK_MONOTONIC nanoseconds (start of exposure on UVC); comparable with GPIO edge timestamps.
    public var timestampNs: UInt64
    /// Driver sequence number; gaps mean the driver dropped frames.
    public var sequence: UInt32

    public init(
        fourcc: FourCC, width: Int, height: Int, bytesPerLine: Int, data: [UInt8], timestampNs: UInt64,
        sequence: UInt32
    ) {
        self.fourcc = fourcc
        self.width = width
        self.height = height
        self.bytesPerLine = bytesPerLine
        self.data = data
        self.timestampNs = timestampNs
        self.sequence = sequence
    }

    /// Bytes a complete frame of this format must have; shorter buffers are truncated frames.
    public var minimumBytes: Int {
        switch fourcc {
        case .yuyv: bytesPerLine * height
        case .nv12: bytesPerLine * height * 3 / 2
        case .grey, .rgb24: bytesPerLine * height
        default: 128  // compressed: checked by the JPEG end-marker test instead
        }
    }

    /// False for frames that are short, or JPEGs without an end-of-image marker (cheap UVC cameras send those).
    public var isComplete: Bool {
        guard data.count >= minimumBytes else { return false }
        if fourcc == .mjpeg || fourcc == .jpeg { return Self.jpegHasEnd(data) }
        return true
    }

    /// Looks for FFD9 near the end, allowing for zero padding after it.
    static func jpegHasEnd(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 125, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return false }
        var i = bytes.count - 1
        let stop = max(1, bytes.count - 4096)
        while i > stop && bytes[i] == 0 { i -= 1 }
        return bytes[i - 1] == 0xFF && bytes[i] == 0xD9
    }
}
