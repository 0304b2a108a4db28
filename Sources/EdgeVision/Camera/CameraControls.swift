/// Manual image controls for inspection: a value given turns the matching auto mode off.
/// `nil` leaves the camera's own (usually automatic) setting alone.
public struct CameraControls: Sendable, Hashable, Codable {
    /// Exposure in the driver's units (100 µs on UVC: V4L2_CID_EXPOSURE_ABSOLUTE).
    public var exposure: Int32?
    public var gain: Int32?
    public var focus: Int32?
    /// White-balance temperature in kelvin.
    public var whiteBalance: Int32?
    /// Extra controls by V4L2 name (as `v4l2-ctl -l` prints them, lowercased, spaces as `_`).
    public var named: [String: Int32]

    public init(
        exposure: Int32? = nil, gain: Int32? = nil, focus: Int32? = nil, whiteBalance: Int32? = nil,
        named: [String: Int32] = [:]
    ) {
        self.exposure = exposure
        self.gain = gain
        self.focus = focus
        self.whiteBalance = whiteBalance
        self.named = named
    }

    public var isEmpty: Bool {
        exposure == nil && gain == nil && focus == nil && whiteBalance == nil && named.isEmpty
    }
}

/// A control as VIDIOC_QUERYCTRL describes it.
public struct V4L2ControlInfo: Sendable, Hashable, Codable {
    public var id: UInt32
    public var name: String
    public var type: UInt32
    public var minimum: Int32
    public var maximum: Int32
    public var step: Int32
    public var defaultValue: Int32
    public var value: Int32?

    /// Lowercase, non-alphanumerics as `_`: the key used in `CameraControls.named`.
    public var key: String {
        var out = ""
        var lastUnderscore = false
        for ch in name.lowercased() {
            if ch.isLetter || ch.isNumber {
                out.append(ch)
                lastUnderscore = false
            } else if !lastUnderscore && !out.isEmpty {
                out.append("_")
                lastUnderscore = true
            }
        }
        while out.last == "_" { out.removeLast() }
        return out
    }
}
