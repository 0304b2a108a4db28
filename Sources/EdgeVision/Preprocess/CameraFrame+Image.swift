import CVision

extension CameraFrame {
    /// The whole frame as an RGB or grey ``Image`` (MJPEG decoded with `jpegDecoder`).
    public func image(
        _ format: PixelFormat = .rgb8, jpegDecoder: any JPEGFrameDecoding = TurboJPEGFrameDecoder()
    ) throws(PreprocessError) -> Image {
        if fourcc == .mjpeg || fourcc == .jpeg { return try jpegDecoder.decode(data, to: format) }
        // Identity-sized preprocessing with uint8 scale 1/255 reproduces the converted pixels exactly.
        let spec = PreprocessSpec(
            width: width, height: height, color: format, layout: .nhwc, output: .uint8(scale: 1 / 255, zeroPoint: 0))
        var image = Image(width: width, height: height, format: format)
        let p = try Preprocessor(spec: spec, jpegDecoder: jpegDecoder)
        try image.pixels.withUnsafeMutableBytes { b in
            Result { () throws(PreprocessError) in try p.run(self, into: b.baseAddress!) }
        }.get()
        return image
    }
}

extension Image {
    /// Binary PPM (rgb8) or PGM (gray8): lossless and readable by any tool, for captures and tests.
    public var netpbm: [UInt8] {
        let header = "\(format == .rgb8 ? "P6" : "P5")\n\(width) \(height)\n255\n"
        return Array(header.utf8) + pixels
    }
}
