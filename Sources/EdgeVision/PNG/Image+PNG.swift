extension Image {
    /// PNG encoding of this image.
    ///
    /// - Parameter compressionLevel: zlib level, 0 (store) to 9 (smallest); 6 balances speed and size.
    public func pngData(compressionLevel: Int32 = 6) throws(PNGError) -> [UInt8] {
        try PNGEncoder.encode(self, compressionLevel: compressionLevel)
    }

    /// Decodes an 8-bit RGB or grey, non-interlaced PNG.
    public init(pngData: [UInt8]) throws(PNGError) {
        self = try PNGDecoder.decode(pngData)
    }

    /// Writes this image as a PNG file (atomically: temporary file, then rename).
    /// - Throws: ``PNGError`` naming `path`.
    public func writePNG(to path: String, compressionLevel: Int32 = 6) throws(PNGError) {
        let data: [UInt8]
        do {
            data = try pngData(compressionLevel: compressionLevel)
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
