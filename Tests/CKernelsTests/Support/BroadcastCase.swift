import CKernels
import Testing

/// Two operand shapes under numpy broadcasting.
struct BroadcastCase: Sendable, CustomTestStringConvertible {
    var a: [Int]
    var b: [Int]
    var seed: UInt64 = 1

    var testDescription: String { "\(a) ⊕ \(b)" }

    /// numpy: right-align, each pair equal or one of them 1.
    var outShape: [Int] {
        let rank = max(a.count, b.count)
        let pa = Array(repeating: 1, count: rank - a.count) + a
        let pb = Array(repeating: 1, count: rank - b.count) + b
        return zip(pa, pb).map { max($0, $1) }
    }

    /// True when A repeats along the innermost output axis longer than 1 while B varies there
    /// (ONNX Runtime then treats B as its first operand).
    var aBroadcastAlongInnermost: Bool {
        let out = outShape
        let pa = Array(repeating: 1, count: out.count - a.count) + a
        let pb = Array(repeating: 1, count: out.count - b.count) + b
        guard let axis = out.indices.last(where: { out[$0] > 1 }) else { return false }
        return pa[axis] == 1 && pb[axis] != 1
    }

    var aCount: Int { a.reduce(1, *) }
    var bCount: Int { b.reduce(1, *) }
    var outCount: Int { outShape.reduce(1, *) }

    /// Oracle indexing: flat output index -> flat operand index, by div/mod on the fly.
    static func sourceIndex(_ flat: Int, out: [Int], operand: [Int]) -> Int {
        let offset = out.count - operand.count
        var rest = flat, index = 0, scale = 1
        for d in stride(from: out.count - 1, through: 0, by: -1) {
            let coordinate = rest % out[d]
            rest /= out[d]
            let od = d - offset
            if od >= 0 {
                if operand[od] != 1 { index += coordinate * scale }
                scale *= operand[od]
            }
        }
        return index
    }

    /// What the graph layer hands the kernel: padded shape and element strides, 0 where broadcast.
    var descriptor: ck_broadcast {
        var bc = ck_broadcast()
        let out = outShape
        bc.rank = out.count
        func strides(_ s: [Int]) -> [Int] {
            let padded = Array(repeating: 1, count: out.count - s.count) + s
            var result = [Int](repeating: 0, count: out.count)
            var running = 1
            for d in stride(from: out.count - 1, through: 0, by: -1) {
                result[d] = padded[d] == 1 ? 0 : running
                running *= padded[d]
            }
            return result
        }
        let sa = strides(a), sb = strides(b)
        withUnsafeMutableBytes(of: &bc.shape) { p in
            for (i, v) in out.enumerated() {
                p.storeBytes(of: v, toByteOffset: i * MemoryLayout<Int>.stride, as: Int.self)
            }
        }
        withUnsafeMutableBytes(of: &bc.a_stride) { p in
            for (i, v) in sa.enumerated() {
                p.storeBytes(of: v, toByteOffset: i * MemoryLayout<Int>.stride, as: Int.self)
            }
        }
        withUnsafeMutableBytes(of: &bc.b_stride) { p in
            for (i, v) in sb.enumerated() {
                p.storeBytes(of: v, toByteOffset: i * MemoryLayout<Int>.stride, as: Int.self)
            }
        }
        return bc
    }

    /// Oracle: applies `op` elementwise with broadcasting.
    func apply<A, B, R>(_ x: [A], _ y: [B], _ op: (A, B) -> R) -> [R] {
        let out = outShape
        return (0..<outCount).map {
            op(x[Self.sourceIndex($0, out: out, operand: a)], y[Self.sourceIndex($0, out: out, operand: b)])
        }
    }

    static let all: [BroadcastCase] = [
        BroadcastCase(a: [7], b: [7]),
        BroadcastCase(a: [1], b: [5], seed: 2),
        BroadcastCase(a: [2, 3, 4], b: [4], seed: 3),
        BroadcastCase(a: [2, 1, 5], b: [3, 1], seed: 4),
        BroadcastCase(a: [1, 7, 7, 16], b: [1, 1, 1, 16], seed: 5),
        BroadcastCase(a: [3, 1, 1, 2, 1], b: [1, 4, 5, 1, 3], seed: 6),
        BroadcastCase(a: [1, 1], b: [9, 13], seed: 7),
        BroadcastCase(a: [2, 2, 2, 2, 2, 2, 2, 3], b: [2, 1, 2, 1, 2, 1, 2, 1], seed: 8),
        BroadcastCase(a: [60, 1], b: [60, 50], seed: 9),
        BroadcastCase(a: [40, 70], b: [1], seed: 10),
    ]
}
