/// Decodes a JPEG (an MJPEG frame, an image file) to an ``Image``.
public protocol JPEGFrameDecoding: Sendable {
    func decode(_ bytes: [UInt8], to format: PixelFormat) throws(PreprocessError) -> Image
}

/// ``JPEGCodec`` behind the frame-decoding protocol. Strict: a frame with corrupt or missing data
/// is refused rather than decoded half grey, so the capture loop skips it.
///
/// A codec (libturbojpeg handle) per call keeps this `Sendable`; creating one is cheap next to a decode.
public struct TurboJPEGFrameDecoder: JPEGFrameDecoding {
    public init() {}

    public func decode(_ bytes: [UInt8], to format: PixelFormat) throws(PreprocessError) -> Image {
        do {
            return try JPEGCodec().decode(bytes, as: format)
        } catch {
            throw PreprocessError(.corruptJPEG, field: "jpeg", value: "\(bytes.count) bytes", detail: error.message)
        }
    }
}
