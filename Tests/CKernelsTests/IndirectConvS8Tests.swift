import CKernels
import Testing

/// The int8 convolution paths built on indirection buffers: dense convolution through each
/// ISA's packed GEMM microkernel (ck_qconv_s8_igemm) and the 3x3 / 5x5 depthwise
/// microkernels, each against the scalar reference, serially and on a thread pool.
@Suite("Indirect int8 convolution and depthwise microkernels")
struct IndirectConvS8Tests {
    struct IsaArgument: Sendable, CustomTestStringConvertible {
        var isa: ck_isa
        var testDescription: String { String(cString: ck_isa_name(isa)) }
    }

    /// Scalar first, then every path this machine runs.
    static let isas = (0..<Int(CK_ISA_COUNT.rawValue)).map { IsaArgument(isa: ck_isa(UInt32($0))) }
        .filter { ck_isa_available($0.isa) != 0 }

    /// Kernel k x k, stride s, "same"-style padding; edge sizes 1, odd, channel counts around
    /// the 8-column and 16-channel tiles, long K (5x5 x 40 channels = 1000).
    static func shapes(depthwise: Bool) -> [ConvCase] {
        var rng = SplitMix64(seed: depthwise ? 0xD3 : 0x16)
        var cases: [ConvCase] = []
        for (k, stride) in [(1, 1), (3, 1), (3, 2), (5, 1), (5, 2)] where depthwise ? k > 1 : true {
            for i in 0..<5 {
                let c = i == 4 ? 40 : Int.random(in: 1...33, using: &rng)
                let dilation = i == 3 ? 2 : 1
                let pad = (k - 1) / 2 * dilation
                var s = ConvCase(
                    batch: i == 2 ? 2 : 1,
                    inH: i == 0 ? 1 : Int.random(in: 2...11, using: &rng),
                    inW: Int.random(in: 1...11, using: &rng) + (k - 1) * dilation,
                    inC: c,
                    outC: depthwise ? c : Int.random(in: 1...37, using: &rng),
                    kernelH: k,
                    kernelW: k
                )
                s.strideH = stride
                s.strideW = stride
                s.dilationH = dilation
                s.dilationW = dilation
                s.padTop = pad
                s.padLeft = pad
                s.padBottom = pad
                s.padRight = pad
                s.seed = UInt64(cases.count + 1)
                if s.outH >= 1, s.outW >= 1 { cases.append(s) }
            }
        }
        return cases
    }

    static let denseCases = shapes(depthwise: false)
    static let depthwiseCases = shapes(depthwise: true)

    /// Inputs and the reference output of one case.
    struct Fixture {
        var x: [Int8], w: [Int8], bias: [Int32], wScales: [Float], multipliers: [Float]
        var xZeroPoint: Int32
        let xScale: Float = 0.03, yScale: Float = 0.25, yZeroPoint: Int32 = 3
        var relu: Bool

        init(_ s: ConvCase, depthwise: Bool) {
            var rng = SplitMix64(seed: s.seed &* 7919)
            x = rng.int8s(s.inputCount)
            w = rng.int8s(depthwise ? s.depthwiseWeightCount : s.weightCount, in: -127...127)
            bias = rng.int32s(s.outC, in: -20000...20000)
            wScales = (0..<s.outC).map { 0.003 + 0.0007 * Float($0 % 5) }
            multipliers = []
            xZeroPoint = [0, -128, 127, 9][Int(s.seed % 4)]
            relu = s.seed % 3 == 0
            multipliers = wScales.map { xScale * $0 / yScale }
        }

        var params: ck_qgemm_s8_params {
            ck_qgemm_s8_params(y_zero_point: yZeroPoint, qmin: relu ? yZeroPoint : -128, qmax: 127)
        }

        func reference(_ s: ConvCase, depthwise: Bool) -> [Int8] {
            var g = s.geometry
            var out = [Int8](repeating: 0, count: s.outputCount)
            let wZeroPoints = [Int32](repeating: 0, count: s.outC)
            wScales.withUnsafeBufferPointer { ws in
                wZeroPoints.withUnsafeBufferPointer { wzp in
                    var q = ck_qconv_params()
                    q.x_type = CK_QTYPE_S8
                    q.w_type = CK_QTYPE_S8
                    q.x_zero_point = xZeroPoint
                    q.x_scale = xScale
                    q.w = ck_qparams_axis(
                        scale: ws.baseAddress,
                        zero_point: wzp.baseAddress,
                        scale_stride: 1,
                        zero_point_stride: 1
                    )
                    q.y_scale = yScale
                    q.y_zero_point = yZeroPoint
                    q.clamp = ck_clamp_q(min: relu ? yZeroPoint : Int32.min, max: Int32.max)
                    if depthwise {
                        ck_dwconv2d_qs8__scalar(&g, &q, x, w, bias, &out)
                    } else {
                        ck_conv2d_qs8__scalar(&g, &q, x, w, bias, &out)
                    }
                }
            }
            return out
        }
    }

    /// Runs `body` with the indirection buffer of `s` over `x` (padding -> zero buffer).
    static func withIndirection<R>(
        _ s: ConvCase,
        _ x: [Int8],
        zeroPoint: Int32,
        _ body: (UnsafePointer<UnsafePointer<Int8>?>) -> R
    ) -> R {
        var g = s.geometry
        let zero = [Int8](repeating: Int8(zeroPoint), count: s.inC)
        return x.withUnsafeBufferPointer { xp in
            zero.withUnsafeBufferPointer { zp in
                var ind = [UnsafePointer<Int8>?](repeating: nil, count: ck_indirection_s8_count(&g))
                ck_indirection_s8_init(&g, xp.baseAddress, zp.baseAddress, &ind)
                return ind.withUnsafeBufferPointer { body($0.baseAddress!) }
            }
        }
    }

    @Test(arguments: isas, denseCases)
    func igemmMatchesReference(arg: IsaArgument, s: ConvCase) throws {
        let config = try #require(ck_qgemm_s8_config_for(arg.isa))
        let f = Fixture(s, depthwise: false)
        let k = s.kernelH * s.kernelW * s.inC
        var packed = [UInt8](repeating: 0xCC, count: ck_qgemm_s8_packed_size(s.outC, k))
        #expect(ck_qgemm_s8_pack(s.outC, k, f.w, k, f.bias, f.xZeroPoint, f.multipliers, &packed) == 0)
        let taps = s.kernelH * s.kernelW
        var params = f.params
        let pool = try #require(ck_threadpool_create(3))
        defer { ck_threadpool_destroy(pool) }
        let scratchSize = ck_qconv_s8_igemm_scratch_size(config, taps, s.inC)
        var scratch = [Int8](repeating: 0, count: 3 * scratchSize)
        var serial = [Int8](repeating: 0x55, count: s.outputCount)
        var parallel = [Int8](repeating: 0x66, count: s.outputCount)
        let pixels = s.outputCount / s.outC
        Self.withIndirection(s, f.x, zeroPoint: f.xZeroPoint) { ind in
            ck_qconv_s8_igemm(config, taps, s.inC, s.outC, ind, 0, pixels, packed, &serial, s.outC, &scratch, &params)
            ck_qconv_s8_igemm_parallel(
                pool, config, taps, s.inC, s.outC, ind, pixels, packed, &parallel, s.outC, &scratch, &params)
        }
        let name = "\(String(cString: config.pointee.name)) \(s.testDescription)"
        expectEqualElements(serial, f.reference(s, depthwise: false), name)
        expectEqualElements(parallel, serial, "parallel \(name)")
    }

    @Test(arguments: isas, depthwiseCases)
    func depthwiseMatchesReference(arg: IsaArgument, s: ConvCase) throws {
        let taps = s.kernelH * s.kernelW
        let config = try #require(ck_dwconv_s8_config_for(arg.isa, taps))
        let f = Fixture(s, depthwise: true)
        var packed = [UInt8](repeating: 0xCC, count: ck_dwconv_s8_packed_size(s.outC, taps))
        #expect(ck_dwconv_s8_pack(s.outC, taps, f.w, f.bias, f.xZeroPoint, f.multipliers, &packed) == 0)
        var params = f.params
        let pool = try #require(ck_threadpool_create(2))
        defer { ck_threadpool_destroy(pool) }
        var serial = [Int8](repeating: 0x55, count: s.outputCount)
        var parallel = [Int8](repeating: 0x66, count: s.outputCount)
        let pixels = s.outputCount / s.outC
        Self.withIndirection(s, f.x, zeroPoint: f.xZeroPoint) { ind in
            config.pointee.ukernel(pixels, s.outC, ind, packed, &serial, s.outC, &params)
            ck_dwconv_s8_parallel(pool, config, pixels, s.outC, ind, packed, &parallel, s.outC, &params)
        }
        let name = "\(String(cString: config.pointee.name)) \(s.testDescription)"
        expectEqualElements(serial, f.reference(s, depthwise: true), name)
        expectEqualElements(parallel, serial, "parallel \(name)")
    }

    @Test func depthwiseOnlyForThreeAndFive() {
        #expect(ck_dwconv_s8_config_for(CK_ISA_SCALAR, 9) != nil)
        #expect(ck_dwconv_s8_config_for(CK_ISA_SCALAR, 25) != nil)
        #expect(ck_dwconv_s8_config_for(CK_ISA_SCALAR, 4) == nil)
        #expect(ck_dwconv_s8_config_for(CK_ISA_COUNT, 9) == nil)
    }

    @Test func depthwisePackRejectsMinusOneTwentyEight() {
        let w: [Int8] = [1, -128, 3, 4, 5, 6, 7, 8, 9]
        var packed = [UInt8](repeating: 0, count: ck_dwconv_s8_packed_size(1, 9))
        #expect(ck_dwconv_s8_pack(1, 9, w, nil, 0, [0.5], &packed) == -1)
    }
}
