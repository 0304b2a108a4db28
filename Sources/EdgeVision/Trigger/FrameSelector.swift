/// Picks the frame for a trigger from a source's ring: the first frame whose timestamp is at or
/// after trigger time + delay (UVC cameras have no trigger input, so the camera free-runs and
/// the ring provides the "pre/post-trigger" window), optionally gated on sharpness.
public struct FrameSelector: Sendable {
    public enum Selection: Sendable {
        case frame(CameraFrame, sharpness: Double?)
        /// The chosen frame failed the sharpness gate; reported as its own verdict.
        case blurred(CameraFrame, sharpness: Double)
        /// No frame arrived in time, or the ring had already moved past the trigger time.
        case missed
    }

    /// Added to the trigger time: the part's travel from the sensor to the field of view.
    public var delayNs: UInt64
    /// How long to wait for the frame after the target time.
    public var timeoutNs: UInt64
    public var sharpness: SharpnessGate?

    public init(delayNs: UInt64 = 0, timeoutNs: UInt64 = 1_000_000_000, sharpness: SharpnessGate? = nil) {
        self.delayNs = delayNs
        self.timeoutNs = timeoutNs
        self.sharpness = sharpness
    }

    public func select(for event: TriggerEvent, from ring: FrameRing) throws(PreprocessError) -> Selection {
        let target = event.timestampNs + delayNs
        let now = MonotonicClock.nowNs()
        let wait = target > now ? target - now + timeoutNs : timeoutNs
        guard let frame = ring.firstFrame(atOrAfter: target, timeoutNs: wait) else { return .missed }
        guard let gate = sharpness else { return .frame(frame, sharpness: nil) }
        let score = try gate.score(frame)
        return score >= gate.threshold ? .frame(frame, sharpness: score) : .blurred(frame, sharpness: score)
    }
}
