/// How to open and stream one V4L2 camera. Re-applied in full on every reopen.
public struct V4L2CaptureConfig: Sendable, Hashable, Codable {
    /// /dev/videoN or, better, a /dev/v4l/by-id name that survives re-plugging.
    public var device: String
    /// nil: first native format of `FourCC.preferredNative` the camera offers.
    public var fourcc: FourCC?
    public var width: Int
    public var height: Int
    /// nil: leave the driver's rate.
    public var fps: Double?
    public var bufferCount: Int
    public var controls: CameraControls
    /// Poll timeout; nil means 3 frame periods, at least 1 s (a stall is then detected promptly).
    public var timeoutMs: Int32?

    public init(
        device: String, fourcc: FourCC? = nil, width: Int = 640, height: Int = 480, fps: Double? = nil,
        bufferCount: Int = 4, controls: CameraControls = CameraControls(), timeoutMs: Int32? = nil
    ) {
        self.device = device
        self.fourcc = fourcc
        self.width = width
        self.height = height
        self.fps = fps
        self.bufferCount = bufferCount
        self.controls = controls
        self.timeoutMs = timeoutMs
    }

    public var effectiveTimeoutMs: Int32 {
        if let timeoutMs { return timeoutMs }
        guard let fps, fps > 0 else { return 2000 }
        return max(1000, Int32(3000 / fps))
    }
}

/// Opens a V4L2 camera per a config: format, rate, controls, buffers, STREAMON.
public struct V4L2Opener: CaptureOpener {
    public var config: V4L2CaptureConfig
    public init(_ config: V4L2CaptureConfig) { self.config = config }
    public var name: String { config.device }

    public func open() throws(V4L2Error) -> any CaptureStream {
        let device = try V4L2Device(path: config.device)
        do {
            let format = try device.setFormat(fourcc: config.fourcc, width: config.width, height: config.height)
            if let fps = config.fps { _ = try device.setFrameRate(fps) }
            try device.apply(config.controls)
            try device.startStreaming(bufferCount: config.bufferCount, format: format)
        } catch {
            device.close()
            throw error
        }
        return device
    }
}
