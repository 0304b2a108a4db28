import CKernels
import Foundation
import Testing

/// Softmax and ReduceMean against double-precision oracles.
@Suite("Softmax and reduction kernels")
struct ReduceKernelTests {
    typealias Softmax = @convention(c) (Int, Int, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void
    typealias ReduceMean = @convention(c) (Int, Int, Int, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void
    static let softmaxVariants: [KernelVariant<Softmax>] = available([
        KernelVariant<Softmax>("ck_softmax_f32__scalar", ck_softmax_f32__scalar)
    ])
    static let reduceMeanVariants: [KernelVariant<ReduceMean>] = available([
        KernelVariant<ReduceMean>("ck_reduce_mean_f32__scalar", ck_reduce_mean_f32__scalar)
    ])

    /// (rows, cols); large logits check the max subtraction.
    @Test(arguments: softmaxVariants, [[1, 1], [1, 1000], [3, 7], [17, 10], [2, 3]])
    func softmax(variant: KernelVariant<Softmax>, shape: [Int]) throws {
        let (rows, cols) = (shape[0], shape[1])
        var rng = SplitMix64(seed: UInt64(rows * 1000 + cols))
        var x = rng.floats(rows * cols, in: -10...10)
        if shape == [2, 3] { x = [1000, 1001, 1002, -1000, -1000, -1000] }
        var expected: [Float] = []
        for r in 0..<rows {
            let row = x[(r * cols)..<((r + 1) * cols)].map(Double.init)
            let m = row.max()!
            let e = row.map { exp($0 - m) }
            let sum = e.reduce(0, +)
            expected += e.map { Float($0 / sum) }
        }
        var y = [Float](repeating: .nan, count: x.count)
        variant.function(rows, cols, x, &y)
        expectClose(y, expected, relative: 1e-5, absolute: 1e-7, variant.name)
    }

    /// [outer, reduce, inner]: last axis, first axis, middle axes, everything, nothing.
    @Test(arguments: reduceMeanVariants, [[4, 9, 1], [1, 5, 6], [3, 49, 16], [1, 300, 1], [7, 1, 3]])
    func reduceMean(variant: KernelVariant<ReduceMean>, shape: [Int]) throws {
        let (outer, reduce, inner) = (shape[0], shape[1], shape[2])
        var rng = SplitMix64(seed: UInt64(outer * 10_000 + reduce * 100 + inner))
        let x = rng.floats(outer * reduce * inner, in: -2...3)
        var expected: [Float] = []
        for o in 0..<outer {
            for i in 0..<inner {
                let values = (0..<reduce).map { Double(x[(o * reduce + $0) * inner + i]) }
                expected.append(Float(values.reduce(0, +) / Double(reduce)))
            }
        }
        var y = [Float](repeating: .nan, count: outer * inner)
        variant.function(outer, reduce, inner, x, &y)
        expectClose(y, expected, relative: 1e-5, absolute: 1e-6, variant.name)
    }
}
