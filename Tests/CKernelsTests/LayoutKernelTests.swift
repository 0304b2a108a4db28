import CKernels
import Testing

/// Pad (constant, reflect, edge; negative pads crop) and Transpose.
@Suite("Pad and transpose kernels")
struct LayoutKernelTests {
    struct PadCase: Sendable, CustomTestStringConvertible {
        var shape: [Int]
        var begin: [Int]
        var end: [Int]
        var mode: ck_pad_mode
        var outShape: [Int] { (0..<shape.count).map { shape[$0] + begin[$0] + end[$0] } }
        var testDescription: String { "\(shape) pads \(begin)/\(end) mode \(mode.rawValue)" }

        var params: ck_pad_params {
            var p = ck_pad_params()
            p.rank = shape.count
            p.mode = mode
            withUnsafeMutableBytes(of: &p.in_shape) { b in
                for (i, v) in shape.enumerated() { b.storeBytes(of: v, toByteOffset: i * 8, as: Int.self) }
            }
            withUnsafeMutableBytes(of: &p.out_shape) { b in
                for (i, v) in outShape.enumerated() { b.storeBytes(of: v, toByteOffset: i * 8, as: Int.self) }
            }
            withUnsafeMutableBytes(of: &p.pad_begin) { b in
                for (i, v) in begin.enumerated() { b.storeBytes(of: v, toByteOffset: i * 8, as: Int.self) }
            }
            return p
        }

        /// Oracle source index along one axis, by walking: reflect bounces off each end in turn.
        func source(_ i: Int, _ n: Int) -> Int? {
            if (0..<n).contains(i) { return i }
            switch mode {
            case CK_PAD_EDGE: return i < 0 ? 0 : n - 1
            case CK_PAD_REFLECT:
                if n == 1 { return 0 }
                var j = i
                while !(0..<n).contains(j) { j = j < 0 ? -j : 2 * (n - 1) - j }
                return j
            default: return nil
            }
        }

        func expected<T>(_ x: [T], constant: T) -> [T] {
            let out = outShape
            let total = out.reduce(1, *)
            return (0..<total).map { flat in
                var rest = flat
                var coords = [Int](repeating: 0, count: out.count)
                for d in stride(from: out.count - 1, through: 0, by: -1) {
                    coords[d] = rest % out[d]
                    rest /= out[d]
                }
                var index = 0
                for d in 0..<out.count {
                    guard let s = source(coords[d] - begin[d], shape[d]) else { return constant }
                    index = index * shape[d] + s
                }
                return x[index]
            }
        }
    }

    static let padCases: [PadCase] =
        [CK_PAD_CONSTANT, CK_PAD_REFLECT, CK_PAD_EDGE].flatMap { mode in
            [
                PadCase(shape: [5], begin: [2], end: [3], mode: mode),
                PadCase(shape: [1, 4, 5, 3], begin: [0, 1, 2, 0], end: [0, 3, 1, 0], mode: mode),
                PadCase(shape: [2, 3, 3], begin: [1, 2, 0], end: [0, 2, 2], mode: mode),
                PadCase(shape: [1, 1, 6], begin: [0, 0, -2], end: [0, 0, 1], mode: mode),
                PadCase(shape: [3, 1, 4], begin: [0, 2, 1], end: [1, 0, 3], mode: mode),
            ]
        } + [PadCase(shape: [3, 4], begin: [-1, 5], end: [2, -2], mode: CK_PAD_CONSTANT)]

    @Test(arguments: padCases)
    func pad(c: PadCase) {
        var rng = SplitMix64(seed: UInt64(c.shape.reduce(1, *)))
        var p = c.params
        let total = c.outShape.reduce(1, *)
        let x32 = (0..<c.shape.reduce(1, *)).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }
        var y32 = [UInt32](repeating: 1, count: total)
        ck_pad_x32__scalar(&p, x32, 0xDEAD_BEEF, &y32)
        expectEqualElements(y32, c.expected(x32, constant: 0xDEAD_BEEF), "x32")
        let x8 = rng.uint8s(c.shape.reduce(1, *))
        var y8 = [UInt8](repeating: 1, count: total)
        ck_pad_x8__scalar(&p, x8, 0xA5, &y8)
        expectEqualElements(y8, c.expected(x8, constant: 0xA5), "x8")
    }

    struct TransposeCase: Sendable, CustomTestStringConvertible {
        var shape: [Int]
        var perm: [Int]
        var testDescription: String { "\(shape) perm \(perm)" }

        /// Oracle: for each input element, scatter to its permuted position.
        func expected<T>(_ x: [T]) -> [T] {
            let out = perm.map { shape[$0] }
            var y = x
            for flat in 0..<x.count {
                var rest = flat
                var coords = [Int](repeating: 0, count: shape.count)
                for d in stride(from: shape.count - 1, through: 0, by: -1) {
                    coords[d] = rest % shape[d]
                    rest /= shape[d]
                }
                var index = 0
                for d in 0..<out.count { index = index * out[d] + coords[perm[d]] }
                y[index] = x[flat]
            }
            return y
        }
    }

    static let transposeCases: [TransposeCase] = [
        TransposeCase(shape: [7], perm: [0]),
        TransposeCase(shape: [3, 5], perm: [1, 0]),
        TransposeCase(shape: [2, 3, 5, 7], perm: [0, 2, 3, 1]),  // NCHW -> NHWC
        TransposeCase(shape: [2, 5, 7, 3], perm: [0, 3, 1, 2]),  // NHWC -> NCHW
        TransposeCase(shape: [4, 1, 3, 2, 5], perm: [4, 2, 0, 3, 1]),
        TransposeCase(shape: [2, 2, 2, 2, 2, 2, 2, 3], perm: [7, 6, 5, 4, 3, 2, 1, 0]),
    ]

    @Test(arguments: transposeCases)
    func transpose(c: TransposeCase) {
        let count = c.shape.reduce(1, *)
        var rng = SplitMix64(seed: UInt64(count))
        let x32 = (0..<count).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }
        var y32 = [UInt32](repeating: 0, count: count)
        ck_transpose_x32__scalar(c.shape.count, c.shape, c.perm, x32, &y32)
        expectEqualElements(y32, c.expected(x32), "x32")
        let x8 = rng.uint8s(count)
        var y8 = [UInt8](repeating: 0, count: count)
        ck_transpose_x8__scalar(c.shape.count, c.shape, c.perm, x8, &y8)
        expectEqualElements(y8, c.expected(x8), "x8")
    }
}
