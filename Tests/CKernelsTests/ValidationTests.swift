import CKernels
import Testing

/// The argument checks name the offending field, and accept every shape the kernel suites use.
@Suite("Kernel argument checks")
struct ValidationTests {
    static func message(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }

    @Test(arguments: ConvCase.conv + RandomShapes.convolutions(count: 24, seed: 0xC0DE))
    func validConvolutionsPass(c: ConvCase) {
        var g = c.geometry
        #expect(Self.message(ck_conv2d_check(&g, 1)) == nil)
    }

    @Test(arguments: ConvCase.depthwise)
    func validDepthwisePass(c: ConvCase) {
        var g = c.geometry
        #expect(Self.message(ck_dwconv2d_check(&g, 1)) == nil)
    }

    /// (mutation, field the message must start with)
    static let convMutations: [(@Sendable (inout ck_conv2d_geometry) -> Void, String)] = [
        ({ $0.kernel_h = 0 }, "kernel_shape"),
        ({ $0.stride_w = 0 }, "strides"),
        ({ $0.dilation_h = 0 }, "dilations"),
        ({ $0.groups = 0 }, "groups"),
        (
            {
                $0.groups = 2; $0.in_c = 3
            }, "groups"
        ),
        (
            {
                $0.groups = 2; $0.in_c = 4; $0.out_c = 5
            }, "groups"
        ),
        ({ $0.in_c = 0 }, "in_c"),
        ({ $0.out_c = 0 }, "out_c"),
        (
            {
                $0.in_h = 1 << 30; $0.in_w = 1 << 30
            }, "input shape"
        ),
        ({ $0.out_h = Int.max / 2 }, "output shape"),
        (
            {
                $0.kernel_h = 200; $0.kernel_w = 200
            }, "kernel_shape"
        ),
    ]

    @Test(arguments: convMutations.indices)
    func invalidConvolutionNamesField(index: Int) {
        let (mutate, field) = Self.convMutations[index]
        var g = ConvCase.conv[0].geometry
        g.in_c = 4
        g.out_c = 4
        mutate(&g)
        let message = Self.message(ck_conv2d_check(&g, 1))
        #expect(message?.hasPrefix(field + ":") == true, "got \(message ?? "nil"), expected \(field)")
    }

    @Test func depthwiseNeedsWholeMultiplier() {
        var g = ConvCase.depthwise[0].geometry
        g.out_c = g.in_c + 1
        #expect(Self.message(ck_dwconv2d_check(&g, 0))?.hasPrefix("out_c:") == true)
    }

    @Test func floatConvolutionHasNoDepthLimit() {
        var g = ConvCase.conv[0].geometry
        g.kernel_h = 200
        g.kernel_w = 200
        #expect(Self.message(ck_conv2d_check(&g, 0)) == nil)
    }

    @Test func poolChecks() {
        var g = ck_pool2d_geometry()
        g.batch = 1; g.in_h = 4; g.in_w = 4; g.channels = 3; g.out_h = 2; g.out_w = 2
        g.kernel_h = 2; g.kernel_w = 2; g.stride_h = 2; g.stride_w = 2; g.dilation_h = 1; g.dilation_w = 1
        #expect(Self.message(ck_pool2d_check(&g)) == nil)
        var bad = g
        bad.stride_h = 0
        #expect(Self.message(ck_pool2d_check(&bad))?.hasPrefix("strides:") == true)
        bad = g
        bad.channels = 0
        #expect(Self.message(ck_pool2d_check(&bad))?.hasPrefix("channels:") == true)
    }

    @Test(arguments: GemmCase.all)
    func gemmChecks(c: GemmCase) {
        var g = c.geometry
        #expect(Self.message(ck_gemm_check(&g, 1)) == nil)
        g.ldy = c.n - 1
        #expect(Self.message(ck_gemm_check(&g, 1))?.hasPrefix("ldy:") == true)
        g = c.geometry
        g.lda = (c.transA ? c.m : c.k) - 1
        #expect(Self.message(ck_gemm_check(&g, 1))?.hasPrefix("lda:") == true)
        g = c.geometry
        g.k = 100_000
        g.lda = 100_000
        g.ldb = 100_000
        g.trans_a = 0
        g.trans_b = 1
        #expect(Self.message(ck_gemm_check(&g, 1))?.hasPrefix("k:") == true)
        #expect(Self.message(ck_gemm_check(&g, 0)) == nil)
    }

    @Test func transposeChecks() {
        #expect(Self.message(ck_transpose_check(3, [2, 3, 4], [2, 0, 1])) == nil)
        #expect(Self.message(ck_transpose_check(3, [2, 3, 4], [2, 2, 1]))?.hasPrefix("perm:") == true)
        #expect(Self.message(ck_transpose_check(3, [2, 3, 4], [0, 1, 3]))?.hasPrefix("perm:") == true)
        #expect(
            Self.message(ck_transpose_check(9, [Int](repeating: 1, count: 9), Array(0..<9)))?.hasPrefix("rank:") == true
        )
    }

    @Test func broadcastAndPadChecks() {
        var bc = BroadcastCase.all[3].descriptor
        #expect(Self.message(ck_broadcast_check(&bc)) == nil)
        bc.rank = 0
        #expect(Self.message(ck_broadcast_check(&bc))?.hasPrefix("rank:") == true)
        var p = LayoutKernelTests.padCases[1].params
        #expect(Self.message(ck_pad_check(&p)) == nil)
        p.mode = ck_pad_mode(rawValue: 7)
        #expect(Self.message(ck_pad_check(&p))?.hasPrefix("mode:") == true)
    }

    @Test func resizeChecks() {
        var p = ResizeKernelTests.nearestCases[0].params
        #expect(Self.message(ck_resize_check(&p)) == nil)
        var bad = p
        bad.scale_h = 0
        #expect(Self.message(ck_resize_check(&bad))?.hasPrefix("scales:") == true)
        bad = p
        bad.scale_w = .nan
        #expect(Self.message(ck_resize_check(&bad))?.hasPrefix("scales:") == true)
        bad = p
        bad.coord = ck_resize_coord(rawValue: 42)
        #expect(Self.message(ck_resize_check(&bad))?.hasPrefix("coordinate_transformation_mode:") == true)
        bad = p
        bad.in_h = 0
        #expect(Self.message(ck_resize_check(&bad))?.hasPrefix("input shape:") == true)
    }
}
