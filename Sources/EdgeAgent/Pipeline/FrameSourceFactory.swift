import EdgeVision
import Logging

/// Builds the camera of a pipeline from its configuration.
public enum FrameSourceFactory {
    public static func make(
        _ pipeline: PipelineConfiguration, seed: UInt64 = 1, defectRate: Double = 0.3, logger: Logger,
        onEvent: @escaping @Sendable (CaptureEvent) -> Void = { _ in }
    ) throws -> any FrameSource {
        switch pipeline.camera {
        case .synthetic:
            let line = try SyntheticInspectionLine(
                configuration: .init(width: pipeline.width, height: pipeline.height, seed: seed, defectRate: defectRate))
            return SyntheticFrameSource.make(line: line, fps: Double(pipeline.fps), logger: logger)
        case .device(let device):
            return CaptureLoop(
                config: V4L2CaptureConfig(device: device, width: pipeline.width, height: pipeline.height, fps: Double(pipeline.fps)),
                logger: logger, onEvent: onEvent)
        case .imageDirectory(let directory):
            return try ImageFileSource.make(path: directory, fps: Double(pipeline.fps), logger: logger)
        }
    }
}
