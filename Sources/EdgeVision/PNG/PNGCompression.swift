import CZlib

/// How hard and in which way zlib compresses PNG pixel data.
public struct PNGCompression: Sendable, Hashable {
    /// zlib's match-finding strategy.
    public enum Strategy: Sendable, Hashable {
        /// LZ77 matching plus Huffman coding: best for clean images with repeats.
        case standard
        /// Huffman coding only. For camera frames and synthetic frames with sensor noise,
        /// repeats are rare, so skipping the match search is several times faster and the
        /// file is also smaller (measured: 640×480 frames 15 ms / 430 KB vs 110 ms / 490 KB
        /// at level 6 standard).
        case huffmanOnly
    }

    /// 0 (store) … 9 (smallest).
    public var level: Int32
    public var strategy: Strategy

    public init(level: Int32, strategy: Strategy = .standard) {
        self.level = min(max(level, 0), 9)
        self.strategy = strategy
    }

    /// zlib's default: level 6, LZ77 + Huffman.
    public static let standard = PNGCompression(level: 6)
    /// For noisy, camera-like images (the synthetic line's output).
    public static let noisyImage = PNGCompression(level: 6, strategy: .huffmanOnly)

    var zlibStrategy: Int32 {
        switch strategy {
        case .standard: Z_DEFAULT_STRATEGY
        case .huffmanOnly: Z_HUFFMAN_ONLY
        }
    }
}
