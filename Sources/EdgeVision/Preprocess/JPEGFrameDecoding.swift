import CTurboJPEG

/// Decodes a JPEG (an MJPEG frame) to an ``Image``. The EdgeVision JPEG codec can conform to this;
/// ``TurboJPEGFrameDecoder`` is the direct libturbojpeg implementation used until then.
public protocol JPEGFrameDecoding: Sendable {
    func decode(_ bytes: [UInt8], to format: PixelFormat) throws(PreprocessError) -> Image
}

/// libturbojpeg decode. A handle per call keeps it Sendable; tjInitDecompress is cheap next to the decode.
public struct TurboJPEGFrameDecoder: JPEGFrameDecoding {
    public init() {}

    public func decode(_ bytes: [UInt8], to format: PixelFormat) throws(PreprocessError) -> Image {
        guard let handle = tjInitDecompress() else {
            throw PreprocessError(.corruptJPEG, field: "jpeg", value: "\(bytes.count) bytes", detail: "tjInitDecompress failed")
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsamp: Int32 = 0, colorspace: Int32 = 0
        let rc = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt($0.count), &width, &height, &subsamp, &colorspace)
        }
        guard rc == 0, width > 0, height > 0 else {
            throw PreprocessError(
                .corruptJPEG, field: "jpeg", value: "\(bytes.count) bytes",
                detail: String(cString: tjGetErrorStr2(handle)))
        }
        var image = Image(width: Int(width), height: Int(height), format: format)
        let pf = format == .rgb8 ? Int32(TJPF_RGB.rawValue) : Int32(TJPF_GRAY.rawValue)
        let pitch = Int32(image.bytesPerRow)
        let result = bytes.withUnsafeBufferPointer { src in
            image.pixels.withUnsafeMutableBufferPointer { dst in
                tjDecompress2(handle, src.baseAddress, UInt(src.count), dst.baseAddress, width, pitch, height, pf, 0)
            }
        }
        // Warnings (e.g. a few corrupt MCUs) still yield an image; errors do not.
        if result != 0 && tjGetErrorCode(handle) != ctj_error_warning {
            throw PreprocessError(
                .corruptJPEG, field: "jpeg", value: "\(bytes.count) bytes",
                detail: String(cString: tjGetErrorStr2(handle)))
        }
        return image
    }
}
