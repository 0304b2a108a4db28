import Logging

/// The synthetic inspection line as a camera: the same world the models were trained on,
/// rendered live at a set rate behind the ``FrameSource`` protocol (demo, tests, no camera).
public enum SyntheticFrameSource {
    /// A paced source rendering frame `first + n` of `line` as an RGB24 camera frame.
    ///
    /// The ground truth of each frame is available from `line.frame(index).truth`, so a test or
    /// the demo can score verdicts against it using the frame's sequence number.
    public static func make(
        line: SyntheticInspectionLine,
        fps: Double,
        first: Int = 0,
        ringCapacity: Int = 8,
        logger: Logger
    ) -> PacedFrameSource {
        PacedFrameSource(name: "synthetic", fps: fps, ringCapacity: ringCapacity, logger: logger) { index in
            CameraFrame(image: line.frame(first + Int(truncatingIfNeeded: index)).image)
        }
    }
}
