import CVision

/// Rejects blurred frames: variance of the 3×3 Laplacian of the luma inside an ROI.
/// Computed on the Y bytes directly for YUYV/NV12/GREY (no colour conversion).
public struct SharpnessGate: Sendable, Hashable {
    public var roi: PixelRect?
    /// Frames scoring below this are "blurred". Data-dependent: calibrate on good parts.
    public var threshold: Double

    public init(roi: PixelRect? = nil, threshold: Double) {
        self.roi = roi
        self.threshold = threshold
    }

    /// The sharpness score of a frame's ROI.
    public func score(_ frame: CameraFrame) throws(PreprocessError) -> Double {
        let r = roi ?? PixelRect(x: 0, y: 0, width: frame.width, height: frame.height)
        guard r.x >= 0, r.y >= 0, r.width >= 3, r.height >= 3, r.x + r.width <= frame.width,
            r.y + r.height <= frame.height
        else {
            throw PreprocessError(
                .roiOutsideFrame, field: "sharpness.roi", value: "\(r.x),\(r.y) \(r.width)x\(r.height)",
                detail: "needs at least 3x3 inside the \(frame.width)x\(frame.height) frame")
        }
        switch frame.fourcc {
        case .yuyv, .grey, .nv12:
            let step = frame.fourcc == .yuyv ? 2 : 1
            guard frame.data.count >= frame.bytesPerLine * frame.height else {
                throw PreprocessError(.truncatedFrame, field: "frame", value: "\(frame.data.count) bytes", detail: "short luma plane")
            }
            return frame.data.withUnsafeBufferPointer {
                cv_laplacian_variance_u8($0.baseAddress! + r.y * frame.bytesPerLine + r.x * step, frame.bytesPerLine, step, r.width, r.height)
            }
        default:
            // RGB or MJPEG: derive luma for the ROI only.
            let p = try Preprocessor(spec: PreprocessSpec(
                width: r.width, height: r.height, color: .gray8, roi: r, layout: .nhwc,
                output: .uint8(scale: 1 / 255, zeroPoint: 0)))
            guard case .uint8(let gray) = try p.run(frame) else { return 0 }
            return gray.withUnsafeBufferPointer { cv_laplacian_variance_u8($0.baseAddress!, r.width, 1, r.width, r.height) }
        }
    }

    public func passes(_ frame: CameraFrame) throws(PreprocessError) -> Bool { try score(frame) >= threshold }
}
