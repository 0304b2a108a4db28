import CKernels
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The packed int8 GEMM microkernels of every ISA, checked against the unpacked scalar
/// reference ck_gemm_qs8__scalar (itself checked against the Swift oracle elsewhere).
@Suite("Packed int8 GEMM microkernels")
struct PackedQGemmTests {
    /// Every ISA the dispatcher knows; unavailable ones are skipped on this machine.
    static let allIsas: [IsaArgument] = (0..<Int(CK_ISA_COUNT.rawValue)).map { IsaArgument(isa: ck_isa(UInt32($0))) }
    /// The paths this machine can run: an x86-64 host tests scalar/avx2/avx512vnni, a Pi
    /// scalar/neon(/neondot); the same list, evaluated where the tests run.
    static let isas = allIsas.filter { ck_qgemm_s8_config_for($0.isa) != nil }

    struct IsaArgument: Sendable, CustomTestStringConvertible {
        var isa: ck_isa
        var testDescription: String { String(cString: ck_isa_name(isa)) }
    }

    struct Shape: Sendable, CustomTestStringConvertible {
        var m: Int, n: Int, k: Int
        var aZeroPoint: Int32
        var relu: Bool
        var testDescription: String { "\(m)x\(n)x\(k) za \(aZeroPoint)\(relu ? " relu" : "")" }
    }

    /// Edge sizes: 1, odd, not a multiple of MR / NR / KR, large K.
    static let shapes: [Shape] = {
        let mnk: [(Int, Int, Int)] = [
            (1, 1, 1), (1, 8, 8), (2, 7, 3), (3, 9, 15), (4, 8, 16), (5, 16, 17), (7, 23, 9), (9, 1, 31),
            (4, 64, 64), (1, 33, 300), (17, 12, 7), (6, 40, 1000), (13, 8, 8), (8, 17, 24),
        ]
        // Plus seeded random sizes, so every run covers the same broad sample of remainders.
        var rng = SplitMix64(seed: 0x6E44)
        let random = (0..<16).map { _ in
            (
                Int.random(in: 1...20, using: &rng), Int.random(in: 1...40, using: &rng),
                Int.random(in: 1...200, using: &rng)
            )
        }
        return (mnk + random).enumerated().map { i, s in
            Shape(m: s.0, n: s.1, k: s.2, aZeroPoint: [0, -128, 127, 5, -17][i % 5], relu: i % 3 == 1)
        }
    }()

    /// Packs, runs `config` and the reference; returns both outputs (padded row stride + 3).
    static func run(_ config: UnsafePointer<ck_qgemm_s8_config>, _ s: Shape) -> (actual: [Int8], expected: [Int8]) {
        var rng = SplitMix64(seed: UInt64(s.m * 1_000_000 + s.n * 1000 + s.k))
        let aStride = s.k + 2, yStride = s.n + 3
        let a = rng.int8s(s.m * aStride)
        let w = rng.int8s(s.n * s.k, in: -127...127)
        let bias = rng.int32s(s.n, in: -30000...30000)
        let xScale: Float = 0.02, yScale: Float = 0.5
        let wScales = (0..<s.n).map { 0.004 + 0.001 * Float($0 % 7) }
        let multipliers = wScales.map { xScale * $0 / yScale }
        let yZeroPoint: Int32 = -6
        let clamp = s.relu ? yZeroPoint...127 : -128...127

        var packed = [UInt8](repeating: 0xCC, count: ck_qgemm_s8_packed_size(s.n, s.k))
        let status = ck_qgemm_s8_pack(s.n, s.k, w, s.k, bias, s.aZeroPoint, multipliers, &packed)
        #expect(status == 0)
        var params = ck_qgemm_s8_params(y_zero_point: yZeroPoint, qmin: clamp.lowerBound, qmax: clamp.upperBound)
        var actual = [Int8](repeating: 0x55, count: s.m * yStride)
        ck_qgemm_s8(config, s.m, s.n, s.k, a, aStride, packed, &actual, yStride, &params)

        // Reference: the same GEMM through the unpacked QLinearMatMul kernel, B = W^T.
        var expected = [Int8](repeating: 0x55, count: s.m * yStride)
        var g = ck_gemm_geometry(m: s.m, n: s.n, k: s.k, trans_a: 0, trans_b: 1, lda: aStride, ldb: s.k, ldy: yStride)
        let aZeroPoints = [s.aZeroPoint], wZeroPoints = [Int32](repeating: 0, count: s.n)
        aZeroPoints.withUnsafeBufferPointer { azp in
            wZeroPoints.withUnsafeBufferPointer { wzp in
                wScales.withUnsafeBufferPointer { ws in
                    var q = ck_qgemm_params()
                    q.a_type = CK_QTYPE_S8
                    q.b_type = CK_QTYPE_S8
                    q.a_zero_point = azp.baseAddress
                    q.a_zero_point_stride = 0
                    q.a_scale = xScale
                    q.b = ck_qparams_axis(
                        scale: ws.baseAddress,
                        zero_point: wzp.baseAddress,
                        scale_stride: 1,
                        zero_point_stride: 1
                    )
                    q.alpha = 1
                    q.y_scale = yScale
                    q.y_zero_point = yZeroPoint
                    q.clamp = ck_clamp_q(min: clamp.lowerBound, max: clamp.upperBound)
                    ck_gemm_qs8__scalar(&g, &q, a, w, bias, &expected)
                }
            }
        }
        return (actual, expected)
    }

    @Test(arguments: isas, shapes)
    func microkernelMatchesReference(arg: IsaArgument, s: Shape) throws {
        let config = try #require(ck_qgemm_s8_config_for(arg.isa))
        let (actual, expected) = Self.run(config, s)
        expectEqualElements(actual, expected, "\(String(cString: config.pointee.name)) \(s.testDescription)")
    }

    #if arch(x86_64)
        /// The 256-bit VNNI tile is exported but no longer in the dispatch table (the zmm tile
        /// replaced it); it still has to match the reference.
        @Test(.enabled(if: ck_isa_available(CK_ISA_AVX512VNNI) != 0), arguments: shapes)
        func ymmVnniTileMatchesReference(s: Shape) throws {
            let name: StaticString = "ck_qgemm_s8_4x8c8__avx512vnni"
            var config = ck_qgemm_s8_config(
                name: UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self),
                isa: CK_ISA_AVX512VNNI,
                mr: 4,
                nr: 8,
                kr: 8,
                ukernel: ck_qgemm_s8_4x8c8__avx512vnni
            )
            let (actual, expected) = Self.run(&config, s)
            expectEqualElements(actual, expected, "\(name) \(s.testDescription)")
        }
    #endif

    @Test func packRejectsMinusOneTwentyEight() {
        let w: [Int8] = [1, -128, 3]
        let multipliers: [Float] = [0.1]
        var packed = [UInt8](repeating: 0, count: ck_qgemm_s8_packed_size(1, 3))
        #expect(ck_qgemm_s8_pack(1, 3, w, 3, nil, 0, multipliers, &packed) == -1)
    }

    @Test func packedSizeCoversPaddedBlocks() {
        // 9 channels need two blocks of 8; K = 3 pads to 8: header 96 bytes + 8 x 8 weights.
        #expect(ck_qgemm_s8_packed_block_size(3) == 96 + 64)
        #expect(ck_qgemm_s8_packed_size(9, 3) == 2 * (96 + 64))
    }

    @Test func isaNamesRoundTrip() {
        for arg in Self.allIsas {
            var parsed = CK_ISA_COUNT
            #expect(ck_isa_parse(ck_isa_name(arg.isa), &parsed) == 1)
            #expect(parsed == arg.isa)
        }
        var parsed = CK_ISA_SCALAR
        #expect(ck_isa_parse("sse2", &parsed) == 0)
        #expect(ck_isa_available(CK_ISA_SCALAR) == 1)
        #expect(ck_isa_available(ck_isa_selected()) == 1)
        #expect(ck_qgemm_s8_config_default() != nil)
    }

    @Test func environmentOverrideSelectsScalar() async {
        await #expect(processExitsWith: .success) {
            setenv("EDGEMLOPS_ISA", "scalar", 1)
            let ok =
                ck_isa_selected() == CK_ISA_SCALAR && ck_isa_override_status() == CK_ISA_OVERRIDE_APPLIED
                && String(cString: ck_qgemm_s8_config_default()!.pointee.name) == "ck_qgemm_s8_4x8c8__scalar"
            exit(ok ? 0 : 1)
        }
    }

    @Test func unknownOverrideFallsBackToBest() async {
        await #expect(processExitsWith: .success) {
            setenv("EDGEMLOPS_ISA", "mmx", 1)
            exit(ck_isa_selected() == ck_isa_best() && ck_isa_override_status() == CK_ISA_OVERRIDE_UNKNOWN ? 0 : 1)
        }
    }
}
