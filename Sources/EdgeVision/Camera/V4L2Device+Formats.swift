import CV4L2

#if canImport(Glibc)
import Glibc
#endif

/// A frame size offered by the device, with the frame rates offered at that size.
public struct V4L2FrameSize: Sendable, Hashable, Codable {
    public var width: Int
    public var height: Int
    /// Frame rates in frames per second (from discrete intervals); empty if the driver does not say.
    public var rates: [Double]
}

/// One pixel format from VIDIOC_ENUM_FMT.
public struct V4L2FormatDescription: Sendable, Hashable, Codable {
    public var fourcc: FourCC
    public var description: String
    /// Produced by libv4lconvert, not the hardware: costs CPU per frame.
    public var emulated: Bool
    public var compressed: Bool
    /// Discrete sizes; for stepwise/continuous drivers, the min and max.
    public var sizes: [V4L2FrameSize]
}

/// The format the driver actually agreed to (drivers adjust what they are asked for).
public struct V4L2NegotiatedFormat: Sendable, Hashable, Codable {
    public var fourcc: FourCC
    public var width: Int
    public var height: Int
    public var bytesPerLine: Int
    public var sizeImage: Int
    public var emulated: Bool
}

extension V4L2Device {
    /// All formats with sizes and rates. Errors only when the first ENUM_FMT fails.
    public func formatDescriptions() throws(V4L2Error) -> [V4L2FormatDescription] {
        var result: [V4L2FormatDescription] = []
        var index: UInt32 = 0
        while true {
            var desc = v4l2_fmtdesc()
            desc.index = index
            desc.type = cv4l2_buf_type_video_capture
            do { try ioctl(cv4l2_vidioc_enum_fmt, "VIDIOC_ENUM_FMT", &desc) } catch {
                if index == 0 && error.errno != EINVAL { throw error }
                break
            }
            let fourcc = FourCC(rawValue: desc.pixelformat)
            result.append(
                V4L2FormatDescription(
                    fourcc: fourcc, description: String(cString: cv4l2_fmtdesc_description(&desc)),
                    emulated: desc.flags & cv4l2_fmt_flag_emulated != 0,
                    compressed: desc.flags & cv4l2_fmt_flag_compressed != 0,
                    sizes: frameSizes(fourcc)))
            index += 1
        }
        return result
    }

    func frameSizes(_ fourcc: FourCC) -> [V4L2FrameSize] {
        var sizes: [V4L2FrameSize] = []
        var index: UInt32 = 0
        while index < 256 {
            var size = v4l2_frmsizeenum()
            size.index = index
            size.pixel_format = fourcc.rawValue
            guard (try? ioctl(cv4l2_vidioc_enum_framesizes, "VIDIOC_ENUM_FRAMESIZES", &size)) != nil else { break }
            if size.type == cv4l2_frmsize_type_discrete {
                let w = Int(size.discrete.width), h = Int(size.discrete.height)
                sizes.append(V4L2FrameSize(width: w, height: h, rates: frameRates(fourcc, w, h)))
            } else {
                // Stepwise/continuous: report the two ends; any size in between negotiates.
                let s = size.stepwise
                for (w, h) in [(Int(s.min_width), Int(s.min_height)), (Int(s.max_width), Int(s.max_height))] {
                    sizes.append(V4L2FrameSize(width: w, height: h, rates: frameRates(fourcc, w, h)))
                }
                break
            }
            index += 1
        }
        return sizes
    }

    func frameRates(_ fourcc: FourCC, _ width: Int, _ height: Int) -> [Double] {
        var rates: [Double] = []
        var index: UInt32 = 0
        while index < 64 {
            var ival = v4l2_frmivalenum()
            ival.index = index
            ival.pixel_format = fourcc.rawValue
            ival.width = UInt32(width)
            ival.height = UInt32(height)
            guard (try? ioctl(cv4l2_vidioc_enum_frameintervals, "VIDIOC_ENUM_FRAMEINTERVALS", &ival)) != nil,
                ival.type == cv4l2_frmival_type_discrete
            else { break }
            let f = ival.discrete
            if f.numerator > 0 { rates.append(Double(f.denominator) / Double(f.numerator)) }
            index += 1
        }
        return rates
    }

    /// Sets the capture format. With `fourcc == nil`, picks the first native format of
    /// `FourCC.preferredNative` the device offers, and only then an emulated one.
    /// Fails with `.unsupportedFormat` listing the offers when the driver substitutes another format.
    @discardableResult
    public func setFormat(fourcc wanted: FourCC?, width: Int, height: Int) throws(V4L2Error)
        -> V4L2NegotiatedFormat
    {
        let offers = try formatDescriptions()
        let offerList = offers.map { "\($0.fourcc)\($0.emulated ? "(emulated)" : "")" }.joined(separator: ", ")
        let chosen: V4L2FormatDescription
        if let wanted {
            // Prefer the native entry when libv4l lists the same code twice.
            guard let match = offers.first(where: { $0.fourcc == wanted && !$0.emulated })
                ?? offers.first(where: { $0.fourcc == wanted })
            else {
                throw V4L2Error(
                    .unsupportedFormat, device: path, operation: "VIDIOC_S_FMT",
                    detail: "format \(wanted) not offered; device offers \(offerList)")
            }
            chosen = match
        } else {
            let native = FourCC.preferredNative.lazy.compactMap { code in
                offers.first { $0.fourcc == code && !$0.emulated }
            }.first
            let fallback = offers.first { [FourCC.rgb24, .yuyv].contains($0.fourcc) }
            guard let pick = native ?? fallback else {
                throw V4L2Error(
                    .unsupportedFormat, device: path, operation: "VIDIOC_S_FMT",
                    detail: "no supported format; device offers \(offerList)")
            }
            chosen = pick
        }
        var fmt = v4l2_format()
        fmt.type = cv4l2_buf_type_video_capture
        fmt.fmt.pix.width = UInt32(width)
        fmt.fmt.pix.height = UInt32(height)
        fmt.fmt.pix.pixelformat = chosen.fourcc.rawValue
        fmt.fmt.pix.field = cv4l2_field_any
        try ioctl(cv4l2_vidioc_s_fmt, "VIDIOC_S_FMT", &fmt)
        let pix = fmt.fmt.pix
        let got = V4L2NegotiatedFormat(
            fourcc: FourCC(rawValue: pix.pixelformat), width: Int(pix.width), height: Int(pix.height),
            bytesPerLine: Int(pix.bytesperline), sizeImage: Int(pix.sizeimage), emulated: chosen.emulated)
        if got.fourcc != chosen.fourcc {
            throw V4L2Error(
                .unsupportedFormat, device: path, operation: "VIDIOC_S_FMT",
                detail: "asked for \(chosen.fourcc), driver gave \(got.fourcc); device offers \(offerList)")
        }
        if got.width != width || got.height != height {
            let sizes = chosen.sizes.map { "\($0.width)x\($0.height)" }.joined(separator: ", ")
            throw V4L2Error(
                .unsupportedFormat, device: path, operation: "VIDIOC_S_FMT",
                detail: "size \(width)x\(height) not offered for \(chosen.fourcc) (driver chose \(got.width)x\(got.height)); sizes: \(sizes)")
        }
        return got
    }

    /// Requests `fps`; returns the rate the driver settled on, or nil when it cannot set rates (ENOTTY).
    @discardableResult
    public func setFrameRate(_ fps: Double) throws(V4L2Error) -> Double? {
        var parm = v4l2_streamparm()
        parm.type = cv4l2_buf_type_video_capture
        do { try ioctl(cv4l2_vidioc_g_parm, "VIDIOC_G_PARM", &parm) } catch {
            if error.errno == ENOTTY || error.errno == EINVAL { return nil }
            throw error
        }
        guard parm.parm.capture.capability & cv4l2_cap_timeperframe != 0 else { return nil }
        parm.parm.capture.timeperframe.numerator = 1000
        parm.parm.capture.timeperframe.denominator = UInt32((fps * 1000).rounded())
        try ioctl(cv4l2_vidioc_s_parm, "VIDIOC_S_PARM", &parm)
        let t = parm.parm.capture.timeperframe
        return t.numerator > 0 ? Double(t.denominator) / Double(t.numerator) : nil
    }
}
