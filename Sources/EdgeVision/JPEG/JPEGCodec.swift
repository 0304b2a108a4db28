import CTurboJPEG

/// JPEG decoding and encoding through libturbojpeg (SIMD-accelerated on NEON and x86).
///
/// A codec holds libturbojpeg handles and is not thread-safe: give each capture or
/// worker thread its own. Creating one is cheap; reusing it avoids an allocation per frame.
public final class JPEGCodec {
    /// Refuse images above this many pixels before allocating (a corrupt header can claim 65535²).
    public static let maximumPixels = 64 * 1024 * 1024

    private var decompressor: tjhandle?
    private var compressor: tjhandle?

    public init() {}

    deinit {
        if let decompressor { tjDestroy(decompressor) }
        if let compressor { tjDestroy(compressor) }
    }

    /// Decodes `bytes` into an image of `format`.
    ///
    /// Truncated or damaged data is an error, not a partly grey image: libturbojpeg's warnings
    /// (premature end of data, corrupt segments) are treated as failures.
    /// - Parameter source: names the file or frame in errors.
    public func decode(_ bytes: [UInt8], as format: PixelFormat = .rgb8, source: String? = nil) throws(JPEGError)
        -> Image
    {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw JPEGError(code: .corrupt, message: "not a JPEG (no SOI marker, \(bytes.count) bytes)", source: source)
        }
        let handle = try decompressHandle(source: source)
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colorspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer { buffer in
            tjDecompressHeader3(handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorspace)
        }
        guard header == 0 else {
            throw JPEGError(code: .corrupt, message: "bad JPEG header: \(errorText(handle))", source: source)
        }
        guard width > 0, height > 0 else {
            throw JPEGError(code: .corrupt, message: "JPEG claims \(width)x\(height) pixels", source: source)
        }
        guard Int(width) * Int(height) <= Self.maximumPixels else {
            throw JPEGError(
                code: .tooLarge,
                message: "JPEG of \(width)x\(height) exceeds \(Self.maximumPixels) pixels",
                source: source
            )
        }
        if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
            throw JPEGError(code: .unsupported, message: "CMYK/YCCK JPEGs are not supported", source: source)
        }
        let pixelFormat = format == .rgb8 ? TJPF_RGB : TJPF_GRAY
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * format.channels)
        let status = bytes.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { output in
                tjDecompress2(
                    handle, input.baseAddress, UInt(input.count), output.baseAddress, width, 0, height,
                    pixelFormat.rawValue, ctj_flag_stop_on_warning | ctj_flag_accurate_dct
                )
            }
        }
        guard status == 0 else {
            throw JPEGError(code: .corrupt, message: "damaged JPEG: \(errorText(handle))", source: source)
        }
        return Image(width: Int(width), height: Int(height), format: format, pixels: pixels)
    }

    /// Encodes `image` as a baseline JPEG.
    ///
    /// - Parameters:
    ///   - quality: 1...100.
    ///   - subsampling: chroma subsampling for colour images; grey images are always encoded as grey.
    public func encode(_ image: Image, quality: Int = 90, subsampling: JPEGSubsampling = .s420) throws(JPEGError)
        -> [UInt8]
    {
        guard (1...100).contains(quality) else {
            throw JPEGError(code: .unsupported, message: "JPEG quality \(quality) is outside 1...100")
        }
        let handle = try compressHandle()
        let pixelFormat = image.format == .rgb8 ? TJPF_RGB : TJPF_GRAY
        let sampling = image.format == .gray8 ? TJSAMP_GRAY : subsampling.turboJPEG
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if let output { tjFree(output) } }
        let status = image.pixels.withUnsafeBufferPointer { input in
            tjCompress2(
                handle, input.baseAddress, Int32(image.width), 0, Int32(image.height), pixelFormat.rawValue,
                &output, &size, Int32(sampling.rawValue), Int32(quality), ctj_flag_accurate_dct
            )
        }
        guard status == 0, let output else {
            throw JPEGError(code: .library, message: "JPEG encoding failed: \(errorText(handle))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    private func decompressHandle(source: String?) throws(JPEGError) -> tjhandle {
        if let decompressor { return decompressor }
        guard let handle = tjInitDecompress() else {
            throw JPEGError(code: .library, message: "libturbojpeg could not create a decompressor", source: source)
        }
        decompressor = handle
        return handle
    }

    private func compressHandle() throws(JPEGError) -> tjhandle {
        if let compressor { return compressor }
        guard let handle = tjInitCompress() else {
            throw JPEGError(code: .library, message: "libturbojpeg could not create a compressor")
        }
        compressor = handle
        return handle
    }

    private func errorText(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown libturbojpeg error" }
        return String(cString: text)
    }
}

/// Chroma subsampling of an encoded colour JPEG.
public enum JPEGSubsampling: String, Sendable, CaseIterable {
    /// Full chroma resolution: best for small defects in colour.
    case s444
    case s422
    /// Quarter chroma resolution: the usual camera and web choice.
    case s420

    var turboJPEG: TJSAMP {
        switch self {
        case .s444: TJSAMP_444
        case .s422: TJSAMP_422
        case .s420: TJSAMP_420
        }
    }
}
