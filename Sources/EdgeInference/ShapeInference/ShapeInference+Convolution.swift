/// Shape rules for convolutions and pooling.
extension ShapeInference {
    /// Spatial geometry shared by Conv-like and pooling operators.
    struct Window {
        var kernel: [Int]
        var strides: [Int]
        var dilations: [Int]
        /// [x1_begin, x2_begin, ..., x1_end, x2_end, ...]
        var pads: [Int]
        var autoPad: String

        init(_ c: InferenceContext, kernel: [Int]) throws(ONNXError) {
            let n = kernel.count
            self.kernel = kernel
            strides = try c.node.ints("strides") ?? Array(repeating: 1, count: n)
            dilations = try c.node.ints("dilations") ?? Array(repeating: 1, count: n)
            pads = try c.node.ints("pads") ?? Array(repeating: 0, count: 2 * n)
            autoPad = try c.node.string("auto_pad", default: "NOTSET")
            guard strides.count == n else {
                throw c.error("strides has \(strides.count) values for \(n) spatial axes", field: "strides")
            }
            guard dilations.count == n else {
                throw c.error("dilations has \(dilations.count) values for \(n) spatial axes", field: "dilations")
            }
            guard pads.count == 2 * n else {
                throw c.error("pads has \(pads.count) values for \(n) spatial axes", field: "pads")
            }
            guard kernel.allSatisfy({ $0 >= 1 && $0 <= 1 << 20 }) else {
                throw c.error("bad kernel_shape \(kernel)", field: "kernel_shape")
            }
            guard strides.allSatisfy({ $0 >= 1 && $0 <= 1 << 20 }) else {
                throw c.error("bad strides \(strides)", field: "strides")
            }
            guard dilations.allSatisfy({ $0 >= 1 && $0 <= 1 << 20 }) else {
                throw c.error("bad dilations \(dilations)", field: "dilations")
            }
            guard pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 20 }) else {
                throw c.error("bad pads \(pads)", field: "pads")
            }
            guard ["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"].contains(autoPad) else {
                throw c.error("unknown auto_pad '\(autoPad)'", field: "auto_pad")
            }
        }

        /// Output size along spatial axis `i` for input size `input`.
        func output(_ i: Int, input: Int, ceilMode: Bool, _ c: InferenceContext) throws(ONNXError) -> Int {
            let extent = (kernel[i] - 1) * dilations[i] + 1
            let s = strides[i]
            let out: Int
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                out = (input + s - 1) / s
            case "VALID":
                guard input >= extent else {
                    throw c.error("input size \(input) smaller than the kernel extent \(extent)")
                }
                out = (input - extent) / s + 1
            default:
                let padded = try c.add(input, pads[i] + pads[i + kernel.count])
                guard padded >= extent else {
                    throw c.error(
                        "padded input size \(padded) smaller than the kernel extent \(extent) on spatial axis \(i)"
                    )
                }
                if ceilMode {
                    var o = (padded - extent + s - 1) / s + 1
                    // As ONNX Runtime does: the last window must start inside the input or left padding.
                    if (o - 1) * s >= input + pads[i] { o -= 1 }
                    out = o
                } else {
                    out = (padded - extent) / s + 1
                }
            }
            return out
        }
    }

    static func convolution(_ c: InferenceContext, weightIndex: Int, output: ElementType) throws(ONNXError)
        -> TensorType
    {
        let x = try c.input(0)
        let w = try c.input(weightIndex)
        guard x.rank >= 3 else { throw c.error("input must be N×C×spatial, got \(x)") }
        guard w.rank == x.rank else { throw c.error("weight rank \(w.rank) differs from input rank \(x.rank)") }
        let group = try c.node.int("group", default: 1)
        guard group >= 1 else { throw c.error("group \(group) must be ≥ 1", field: "group") }
        let channels = try c.mul(w.shape[1], group)
        guard x.shape[1] == channels else {
            throw c.error("input has \(x.shape[1]) channels; weight \(w.shape) with group \(group) needs \(channels)")
        }
        guard w.shape[0] % group == 0 else {
            throw c.error("\(w.shape[0]) output channels not divisible by group \(group)")
        }
        let kernel = try c.node.ints("kernel_shape") ?? Array(w.shape.dropFirst(2))
        guard kernel == Array(w.shape.dropFirst(2)) else {
            throw c.error("kernel_shape \(kernel) does not match weight \(w.shape)")
        }
        let window = try Window(c, kernel: kernel)
        var shape = [x.shape[0], w.shape[0]]
        for i in 0..<kernel.count {
            shape.append(try window.output(i, input: x.shape[2 + i], ceilMode: false, c))
        }
        if let b = try c.optionalInput(weightIndex == 1 ? 2 : 8), c.node.opType != "ConvInteger" {
            guard b.shape == [w.shape[0]] else { throw c.error("bias shape \(b.shape) must be [\(w.shape[0])]") }
        }
        return TensorType(output, shape)
    }

    static func convTranspose(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        let w = try c.input(1)
        guard x.rank >= 3, w.rank == x.rank else {
            throw c.error("input \(x) and weight \(w) must be N×C×spatial of equal rank")
        }
        let group = try c.node.int("group", default: 1)
        guard group >= 1 else { throw c.error("group \(group) must be ≥ 1", field: "group") }
        guard x.shape[1] == w.shape[0], w.shape[0] % group == 0 else {
            throw c.error(
                "input channels \(x.shape[1]) must equal weight dim 0 (\(w.shape[0])) and be divisible by group \(group)"
            )
        }
        let kernel = try c.node.ints("kernel_shape") ?? Array(w.shape.dropFirst(2))
        let window = try Window(c, kernel: kernel)
        let n = kernel.count
        let outputPadding = try c.node.ints("output_padding") ?? Array(repeating: 0, count: n)
        guard outputPadding.count == n, outputPadding.allSatisfy({ $0 >= 0 && $0 <= 1 << 20 }) else {
            throw c.error("bad output_padding \(outputPadding)", field: "output_padding")
        }
        let channels = try c.mul(w.shape[1], group)
        if let b = try c.optionalInput(2), b.shape != [channels] {
            throw c.error("bias shape \(b.shape) must be [\(channels)]")
        }
        var shape = [x.shape[0], channels]
        if let outputShape = try c.node.ints("output_shape") {
            guard outputShape.count == n || outputShape.count == n + 2 else {
                throw c.error("output_shape \(outputShape) must list \(n) spatial sizes", field: "output_shape")
            }
            shape += outputShape.suffix(n)
            return TensorType(x.elementType, shape)
        }
        for i in 0..<n {
            let extent = (kernel[i] - 1) * window.dilations[i] + 1
            let out: Int
            if window.autoPad.hasPrefix("SAME") {
                out = try c.mul(x.shape[2 + i], window.strides[i])
            } else {
                let padding = window.autoPad == "VALID" ? 0 : window.pads[i] + window.pads[i + n]
                out = try c.add(try c.mul(window.strides[i], x.shape[2 + i] - 1), outputPadding[i] + extent - padding)
            }
            guard out >= 1 else { throw c.error("output size \(out) on spatial axis \(i) is not positive") }
            shape.append(out)
        }
        return TensorType(x.elementType, shape)
    }

    static func pool(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        guard x.rank >= 3 else { throw c.error("input must be N×C×spatial, got \(x)") }
        guard let kernel = try c.node.ints("kernel_shape") else {
            throw c.error("kernel_shape is required", field: "kernel_shape")
        }
        guard kernel.count == x.rank - 2 else { throw c.error("kernel_shape \(kernel) does not fit input \(x)") }
        let window = try Window(c, kernel: kernel)
        let ceilMode = try c.node.int("ceil_mode", default: 0) != 0
        var shape = Array(x.shape.prefix(2))
        for i in 0..<kernel.count {
            shape.append(try window.output(i, input: x.shape[2 + i], ceilMode: ceilMode, c))
        }
        var type = x.elementType
        if c.node.domain == Model.microsoftDomain { type = try quantizedOutputType(c, zeroPoint: 4) }
        return TensorType(type, shape)
    }

    static func globalPool(_ c: InferenceContext, channelsLast: Bool) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        guard x.rank >= 3 else { throw c.error("input must be N×C×spatial, got \(x)") }
        var type = x.elementType
        if c.node.domain == Model.microsoftDomain { type = try quantizedOutputType(c, zeroPoint: 4) }
        if channelsLast {
            return TensorType(type, [x.shape[0]] + Array(repeating: 1, count: x.rank - 2) + [x.shape[x.rank - 1]])
        }
        return TensorType(type, Array(x.shape.prefix(2)) + Array(repeating: 1, count: x.rank - 2))
    }

    static func batchNormalization(_ c: InferenceContext) throws(ONNXError) -> TensorType {
        let x = try c.input(0)
        guard x.rank >= 2 else { throw c.error("input must have a channel axis, got \(x)") }
        for i in 1...4 {
            let p = try c.input(i)
            guard p.shape == [x.shape[1]] else {
                throw c.error("parameter \(i) has shape \(p.shape); expected [\(x.shape[1])]")
            }
        }
        return x
    }
}
