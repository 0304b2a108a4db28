import CKernels
import Testing

/// Gemm / MatMul kernels, float and 8-bit, against a direct triple-loop oracle.
@Suite("GEMM kernels")
struct GemmKernelTests {
    typealias GemmF32 =
        @convention(c) (
            UnsafePointer<ck_gemm_geometry>?, Float, UnsafePointer<Float>?, UnsafePointer<Float>?, Float,
            UnsafePointer<Float>?, Int, Int, ck_clamp_f32, UnsafeMutablePointer<Float>?
        ) -> Void

    static let f32Variants: [KernelVariant<GemmF32>] = available([
        KernelVariant<GemmF32>("ck_gemm_f32__scalar", ck_gemm_f32__scalar)
    ])

    /// How Gemm's C operand is broadcast to M x N.
    enum CMode: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case none, scalar, row, column, full
        var testDescription: String { rawValue }
        func count(_ c: GemmCase) -> Int {
            switch self {
            case .none: 0
            case .scalar: 1
            case .row: c.n
            case .column: c.m
            case .full: c.m * c.n
            }
        }
        /// Element of C used at (i, j), written as the numpy broadcasting rule, not as strides.
        func value(_ cData: [Float], _ c: GemmCase, _ i: Int, _ j: Int) -> Float {
            switch self {
            case .none: 0
            case .scalar: cData[0]
            case .row: cData[j]
            case .column: cData[i]
            case .full: cData[i * c.n + j]
            }
        }
        func strides(_ c: GemmCase) -> (row: Int, col: Int) {
            switch self {
            case .none, .scalar: (0, 0)
            case .row: (0, 1)
            case .column: (1, 0)
            case .full: (c.n, 1)
            }
        }
    }

    static func runF32(
        _ f: GemmF32,
        _ c: GemmCase,
        alpha: Float,
        beta: Float,
        _ a: [Float],
        _ b: [Float],
        _ cData: [Float],
        _ mode: CMode,
        clamp: ClosedRange<Float>
    ) -> [Float] {
        var g = c.geometry
        var y = [Float](repeating: -7, count: c.yCount)
        let s = mode.strides(c)
        let cl = ck_clamp_f32(min: clamp.lowerBound, max: clamp.upperBound)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                cData.withUnsafeBufferPointer { cp in
                    y.withUnsafeMutableBufferPointer { yp in
                        f(
                            &g,
                            alpha,
                            ap.baseAddress,
                            bp.baseAddress,
                            beta,
                            mode == .none ? nil : cp.baseAddress,
                            s.row,
                            s.col,
                            cl,
                            yp.baseAddress
                        )
                    }
                }
            }
        }
        return y
    }

    static let f32Cases: [(GemmCase, CMode)] = GemmCase.all.enumerated().map { ($1, CMode.allCases[$0 % 5]) }

    @Test(arguments: f32Variants, f32Cases)
    func gemmF32(variant: KernelVariant<GemmF32>, shape: (GemmCase, CMode)) throws {
        let (c, mode) = shape
        var rng = SplitMix64(seed: c.seed)
        let a = rng.floats(c.aCount), b = rng.floats(c.bCount), cData = rng.floats(mode.count(c))
        let alpha: Float = c.seed % 2 == 0 ? 1 : 0.5, beta: Float = c.seed % 3 == 0 ? 1 : -2
        let clamp: ClosedRange<Float> = c.seed == 4 ? -0.25...0.25 : -.infinity ... .infinity
        // Oracle; padding columns of Y must stay untouched.
        var expected = [Float](repeating: -7, count: c.yCount)
        for i in 0..<c.m {
            for j in 0..<c.n {
                var dot: Float = 0
                for p in 0..<c.k { dot += a[c.a(i, p)] * b[c.b(p, j)] }
                let v = alpha * dot + beta * mode.value(cData, c, i, j)
                expected[i * c.ldy + j] = min(max(v, clamp.lowerBound), clamp.upperBound)
            }
        }
        let reference = Self.runF32(ck_gemm_f32__scalar, c, alpha: alpha, beta: beta, a, b, cData, mode, clamp: clamp)
        expectClose(reference, expected, relative: 1e-5, absolute: 1e-4, "reference \(c.testDescription) C \(mode)")
        let actual = Self.runF32(variant.function, c, alpha: alpha, beta: beta, a, b, cData, mode, clamp: clamp)
        expectClose(actual, reference, relative: 1e-5, absolute: 1e-4, "\(variant.name) \(c.testDescription)")
    }
}
