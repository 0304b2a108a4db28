import CVision

/// The model input produced by a ``Preprocessor``, batch 1, in the spec's layout.
public enum ModelInput: Sendable, Hashable {
    case float32([Float])
    case int8([Int8])
    case uint8([UInt8])
}

/// Camera frame → model input: colour conversion of the ROI, resize, normalise or quantise.
///
/// Holds its scratch buffers, so after the first frame of a given size no memory is allocated
/// except the returned array (use `run(_:into:)` to avoid that too). One instance per thread.
public final class Preprocessor {
    public let spec: PreprocessSpec
    private let decoder: any JPEGFrameDecoding
    private var converted: [UInt8] = []
    private var resized: [UInt8] = []

    public init(spec: PreprocessSpec, jpegDecoder: any JPEGFrameDecoding = TurboJPEGFrameDecoder()) throws(PreprocessError) {
        guard spec.width > 0, spec.height > 0 else {
            throw PreprocessError(.invalidSpec, field: "size", value: "\(spec.width)x\(spec.height)", detail: "must be positive")
        }
        let channels = spec.color.channels
        for (field, values) in [("mean", spec.mean), ("std", spec.std)] where values.count != 1 && values.count != channels {
            throw PreprocessError(
                .invalidSpec, field: field, value: "\(values)", detail: "needs 1 or \(channels) values for \(spec.color)")
        }
        if spec.std.contains(where: { $0 == 0 || !$0.isFinite }) {
            throw PreprocessError(.invalidSpec, field: "std", value: "\(spec.std)", detail: "must be finite and non-zero")
        }
        switch spec.output {
        case .int8(let scale, _), .uint8(let scale, _):
            guard scale > 0, scale.isFinite else {
                throw PreprocessError(.invalidSpec, field: "scale", value: "\(scale)", detail: "must be positive")
            }
        case .float32: break
        }
        self.spec = spec
        self.decoder = jpegDecoder
    }

    /// Preprocesses a frame into a new array.
    public func run(_ frame: CameraFrame) throws(PreprocessError) -> ModelInput {
        let n = spec.elementCount
        switch spec.output {
        case .float32:
            var out = [Float](repeating: 0, count: n)
            try out.withUnsafeMutableBytes { b in fill(frame, b) }.get()
            return .float32(out)
        case .int8:
            var out = [Int8](repeating: 0, count: n)
            try out.withUnsafeMutableBytes { b in fill(frame, b) }.get()
            return .int8(out)
        case .uint8:
            var out = [UInt8](repeating: 0, count: n)
            try out.withUnsafeMutableBytes { b in fill(frame, b) }.get()
            return .uint8(out)
        }
    }

    // withUnsafeMutableBytes only rethrows untyped errors: carry the typed one out in a Result.
    private func fill(_ frame: CameraFrame, _ b: UnsafeMutableRawBufferPointer) -> Result<Void, PreprocessError> {
        Result { () throws(PreprocessError) in try run(frame, into: b.baseAddress!) }
    }

    /// Preprocesses a decoded image (files, the synthetic line).
    public func run(_ image: Image) throws(PreprocessError) -> ModelInput {
        try run(CameraFrame(image: image))
    }

    /// Writes `spec.elementCount` elements of the output type to `destination`.
    public func run(_ frame: CameraFrame, into destination: UnsafeMutableRawPointer) throws(PreprocessError) {
        if frame.fourcc == .mjpeg || frame.fourcc == .jpeg {
            let image = try decoder.decode(frame.data, to: spec.color)
            return try run(CameraFrame(image: image), into: destination)
        }
        let channels = spec.color.channels
        let roi = try region(for: frame)
        try convert(frame, roi: roi)
        let (w, h) = (spec.width, spec.height)
        if roi.width != w || roi.height != h {
            if resized.count != w * h * channels { resized = [UInt8](repeating: 0, count: w * h * channels) }
            converted.withUnsafeBufferPointer { src in
                resized.withUnsafeMutableBufferPointer { dst in
                    switch spec.resize {
                    case .bilinear:
                        cv_resize_bilinear_u8(
                            src.baseAddress, roi.width * channels, roi.width, roi.height, channels, dst.baseAddress,
                            w * channels, w, h)
                    case .area:
                        cv_resize_area_u8(
                            src.baseAddress, roi.width * channels, roi.width, roi.height, channels, dst.baseAddress,
                            w * channels, w, h)
                    }
                }
            }
        } else {
            swap(&resized, &converted)
        }
        finish(destination)
    }

    /// The ROI clamped to chroma alignment (YUYV pairs, NV12 2×2 blocks), or an error naming it.
    private func region(for frame: CameraFrame) throws(PreprocessError) -> PixelRect {
        var roi = spec.roi ?? PixelRect(x: 0, y: 0, width: frame.width, height: frame.height)
        guard roi.x >= 0, roi.y >= 0, roi.width > 0, roi.height > 0, roi.x + roi.width <= frame.width,
            roi.y + roi.height <= frame.height
        else {
            throw PreprocessError(
                .roiOutsideFrame, field: "roi", value: "\(roi.x),\(roi.y) \(roi.width)x\(roi.height)",
                detail: "frame is \(frame.width)x\(frame.height)")
        }
        if frame.fourcc == .yuyv || frame.fourcc == .nv12 {
            let alignY = frame.fourcc == .nv12
            if roi.x % 2 == 1 { roi.x -= 1; roi.width += 1 }
            if roi.width % 2 == 1 { if roi.x + roi.width < frame.width { roi.width += 1 } else { roi.width -= 1 } }
            if alignY && roi.y % 2 == 1 { roi.y -= 1; roi.height += 1 }
            if alignY && roi.height % 2 == 1 { if roi.y + roi.height < frame.height { roi.height += 1 } else { roi.height -= 1 } }
            guard roi.width > 0, roi.height > 0 else {
                throw PreprocessError(.roiOutsideFrame, field: "roi", value: "\(roi)", detail: "too small after chroma alignment")
            }
        }
        if frame.data.count < frame.minimumBytes {
            throw PreprocessError(
                .truncatedFrame, field: "frame", value: "\(frame.data.count) bytes",
                detail: "\(frame.fourcc) \(frame.width)x\(frame.height) needs \(frame.minimumBytes)")
        }
        return roi
    }

    /// Colour-converts the ROI into `converted` (packed, roi.width × channels per row).
    private func convert(_ frame: CameraFrame, roi: PixelRect) throws(PreprocessError) {
        let channels = spec.color.channels
        let rgb = spec.color == .rgb8
        let size = roi.width * roi.height * channels
        if converted.count != size { converted = [UInt8](repeating: 0, count: size) }
        let stride = frame.bytesPerLine
        let outStride = roi.width * channels
        let fourcc = frame.fourcc
        let supported: [FourCC] = [.yuyv, .nv12, .grey, .rgb24]
        guard supported.contains(fourcc) else {
            throw PreprocessError(
                .unsupportedPixelFormat, field: "fourcc", value: fourcc.description,
                detail: "supported: YUYV, NV12, GREY, RGB3, MJPG")
        }
        frame.data.withUnsafeBufferPointer { srcBuf in
            converted.withUnsafeMutableBufferPointer { dstBuf in
                let base = srcBuf.baseAddress!
                let dst = dstBuf.baseAddress!
                switch fourcc {
                case .yuyv:
                    let src = base + roi.y * stride + roi.x * 2
                    if rgb {
                        cv_yuyv_to_rgb_u8(src, stride, roi.width, roi.height, dst, outStride)
                    } else {
                        cv_yuyv_to_gray_u8(src, stride, roi.width, roi.height, dst, outStride)
                    }
                case .nv12:
                    let y = base + roi.y * stride + roi.x
                    if rgb {
                        let uv = base + stride * frame.height + (roi.y / 2) * stride + roi.x
                        cv_nv12_to_rgb_u8(y, stride, uv, stride, roi.width, roi.height, dst, outStride)
                    } else {
                        cv_copy_rows_u8(y, stride, roi.width, roi.height, dst, outStride)
                    }
                case .grey:
                    let src = base + roi.y * stride + roi.x
                    if rgb {
                        cv_gray_to_rgb_u8(src, stride, roi.width, roi.height, dst, outStride)
                    } else {
                        cv_copy_rows_u8(src, stride, roi.width, roi.height, dst, outStride)
                    }
                default:  // RGB24
                    let src = base + roi.y * stride + roi.x * 3
                    if rgb {
                        cv_copy_rows_u8(src, stride, roi.width * 3, roi.height, dst, outStride)
                    } else {
                        cv_rgb_to_gray_u8(src, stride, roi.width, roi.height, dst, outStride)
                    }
                }
            }
        }
    }

    private func finish(_ destination: UnsafeMutableRawPointer) {
        let channels = spec.color.channels
        let mean = (0..<channels).map { spec.mean.count == 1 ? spec.mean[0] : spec.mean[$0] }
        let std = (0..<channels).map { spec.std.count == 1 ? spec.std[0] : spec.std[$0] }
        let layout = spec.layout == .nchw ? CV_LAYOUT_NCHW : CV_LAYOUT_NHWC
        let (w, h) = (spec.width, spec.height)
        resized.withUnsafeBufferPointer { src in
            switch spec.output {
            case .float32:
                cv_normalize_u8_f32(
                    src.baseAddress, w, h, channels, mean, std, layout, destination.assumingMemoryBound(to: Float.self))
            case .int8(let scale, let zp):
                cv_quantize_u8_s8(
                    src.baseAddress, w, h, channels, mean, std, scale, zp, layout,
                    destination.assumingMemoryBound(to: Int8.self))
            case .uint8(let scale, let zp):
                cv_quantize_u8_u8(
                    src.baseAddress, w, h, channels, mean, std, scale, zp, layout,
                    destination.assumingMemoryBound(to: UInt8.self))
            }
        }
    }
}

extension CameraFrame {
    /// Wraps a decoded image as an RGB24 or GREY frame (timestamp and sequence zero unless set).
    public init(image: Image, timestampNs: UInt64 = 0, sequence: UInt32 = 0) {
        self.init(
            fourcc: image.format == .rgb8 ? .rgb24 : .grey, width: image.width, height: image.height,
            bytesPerLine: image.bytesPerRow, data: image.pixels, timestampNs: timestampNs, sequence: sequence)
    }
}
