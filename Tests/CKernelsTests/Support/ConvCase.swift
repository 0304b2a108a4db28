import CKernels
import Testing

/// One convolution or pooling shape; output sizes follow from the explicit pads.
struct ConvCase: Sendable, CustomTestStringConvertible {
    var batch = 1
    var inH: Int, inW: Int, inC: Int
    var outC: Int
    var kernelH: Int, kernelW: Int
    var strideH = 1, strideW = 1
    var dilationH = 1, dilationW = 1
    var padTop = 0, padLeft = 0, padBottom = 0, padRight = 0
    var groups = 1
    var seed: UInt64 = 1

    var outH: Int { (inH + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1 }
    var outW: Int { (inW + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1 }

    var testDescription: String {
        "\(batch)x\(inH)x\(inW)x\(inC)->\(outC) k\(kernelH)x\(kernelW) s\(strideH)x\(strideW) "
            + "d\(dilationH)x\(dilationW) p\(padTop),\(padLeft),\(padBottom),\(padRight) g\(groups)"
    }

    var geometry: ck_conv2d_geometry {
        var g = ck_conv2d_geometry()
        g.batch = batch
        g.in_h = inH
        g.in_w = inW
        g.in_c = inC
        g.out_h = outH
        g.out_w = outW
        g.out_c = outC
        g.kernel_h = kernelH
        g.kernel_w = kernelW
        g.stride_h = strideH
        g.stride_w = strideW
        g.dilation_h = dilationH
        g.dilation_w = dilationW
        g.pad_top = padTop
        g.pad_left = padLeft
        g.groups = groups
        return g
    }

    var inputCount: Int { batch * inH * inW * inC }
    var outputCount: Int { batch * outH * outW * outC }
    var weightCount: Int { outC * kernelH * kernelW * (inC / groups) }
    var depthwiseWeightCount: Int { kernelH * kernelW * outC }
}

extension ConvCase {
    /// Grouped and dense convolutions: odd sizes, asymmetric pads, strides, dilations.
    static let conv: [ConvCase] = [
        ConvCase(
            inH: 5,
            inW: 7,
            inC: 3,
            outC: 4,
            kernelH: 3,
            kernelW: 3,
            padTop: 1,
            padLeft: 1,
            padBottom: 1,
            padRight: 1
        ),
        ConvCase(
            batch: 2,
            inH: 6,
            inW: 5,
            inC: 4,
            outC: 6,
            kernelH: 3,
            kernelW: 2,
            strideH: 2,
            padLeft: 1,
            padBottom: 1,
            groups: 2,
            seed: 2
        ),
        ConvCase(
            inH: 9,
            inW: 8,
            inC: 6,
            outC: 6,
            kernelH: 3,
            kernelW: 3,
            dilationH: 2,
            dilationW: 2,
            padTop: 2,
            padLeft: 2,
            padBottom: 2,
            padRight: 2,
            groups: 3,
            seed: 3
        ),
        ConvCase(
            inH: 7,
            inW: 7,
            inC: 8,
            outC: 8,
            kernelH: 3,
            kernelW: 3,
            strideH: 2,
            strideW: 2,
            padTop: 1,
            padLeft: 1,
            padBottom: 1,
            padRight: 1,
            groups: 8,
            seed: 4
        ),
        ConvCase(inH: 1, inW: 1, inC: 5, outC: 7, kernelH: 1, kernelW: 1, seed: 5),
        ConvCase(
            inH: 4,
            inW: 9,
            inC: 2,
            outC: 3,
            kernelH: 5,
            kernelW: 3,
            strideH: 3,
            strideW: 2,
            dilationW: 2,
            padTop: 2,
            padLeft: 1,
            padBottom: 3,
            seed: 6
        ),
        ConvCase(inH: 10, inW: 3, inC: 17, outC: 9, kernelH: 1, kernelW: 1, seed: 7),
        ConvCase(inH: 3, inW: 3, inC: 32, outC: 5, kernelH: 3, kernelW: 3, seed: 8),
    ]

    /// Depthwise: outC = inC * multiplier.
    static let depthwise: [ConvCase] = [
        ConvCase(
            inH: 7,
            inW: 6,
            inC: 5,
            outC: 5,
            kernelH: 3,
            kernelW: 3,
            padTop: 1,
            padLeft: 1,
            padBottom: 1,
            padRight: 1,
            seed: 11
        ),
        ConvCase(
            inH: 9,
            inW: 9,
            inC: 3,
            outC: 6,
            kernelH: 3,
            kernelW: 3,
            strideH: 2,
            strideW: 2,
            padTop: 1,
            padLeft: 1,
            padBottom: 1,
            padRight: 1,
            seed: 12
        ),
        ConvCase(
            batch: 2,
            inH: 8,
            inW: 5,
            inC: 16,
            outC: 16,
            kernelH: 5,
            kernelW: 5,
            padTop: 2,
            padLeft: 2,
            padBottom: 2,
            padRight: 2,
            seed: 13
        ),
        ConvCase(
            inH: 6,
            inW: 11,
            inC: 7,
            outC: 7,
            kernelH: 3,
            kernelW: 3,
            dilationH: 2,
            dilationW: 3,
            padTop: 0,
            padLeft: 3,
            padBottom: 1,
            padRight: 2,
            seed: 14
        ),
        ConvCase(inH: 1, inW: 1, inC: 9, outC: 9, kernelH: 1, kernelW: 1, seed: 15),
    ]
}
