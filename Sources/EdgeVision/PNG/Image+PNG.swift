extension Image {
    /// PNG encoding of this image.
    ///
    /// - Parameter compression: zlib level and strategy; ``PNGCompression/noisyImage`` for camera frames.
    public func pngData(compression: PNGCompression = .standard) throws(PNGError) -> [UInt8] {
        try PNGEncoder.encode(self, compression: compression)
    }

    /// Decodes an 8-bit RGB or grey, non-interlaced PNG.
    public init(pngData: [UInt8]) throws(PNGError) {
        self = try PNGDecoder.decode(pngData)
    }

    /// Writes this image as a PNG file (atomically: temporary file, then rename).
    /// - Throws: ``PNGError`` naming `path`.
    public func writePNG(to path: String, compression: PNGCompression = .standard) throws(PNGError) {
        let data: [UInt8]
        do {
            data = try pngData(compression: compression)
        } catch {
            throw error.inFile(path)
        }
        try BinaryFile.write(data, to: path)
    }

    /// Reads a PNG file.
    /// - Throws: ``PNGError`` naming `path`.
    public init(contentsOfPNGFile path: String) throws(PNGError) {
        let data = try BinaryFile.read(path)
        do {
            self = try PNGDecoder.decode(data)
        } catch {
            throw error.inFile(path)
        }
    }
}
