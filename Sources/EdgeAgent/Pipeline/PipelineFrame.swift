import EdgeVision

/// A frame on its way to inference, with the trigger event that selected it (nil when the
/// pipeline runs continuously or periodically).
public struct PipelineFrame: Sendable {
    public var frame: CameraFrame
    public var trigger: TriggerEvent?

    public init(frame: CameraFrame, trigger: TriggerEvent? = nil) {
        self.frame = frame
        self.trigger = trigger
    }
}
