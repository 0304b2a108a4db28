import EdgeInference
import EdgeTestSupport
import Testing

@testable import EdgeQuantization

@Suite("Quantizer")
struct QuantizerTests {
    struct Case: CustomStringConvertible, Sendable {
        var method: QuantizationOptions.Method
        var format: QuantizationOptions.Format
        var activations: QuantizationOptions.Activations
        var perChannel: Bool
        var description: String { "\(method) \(format) \(activations) perChannel=\(perChannel)" }
    }

    static let cases: [Case] = QuantizationOptions.Method.allCases.flatMap { m in
        QuantizationOptions.Format.allCases.flatMap { f in
            QuantizationOptions.Activations.allCases.flatMap { a in [false, true].map { Case(method: m, format: f, activations: a, perChannel: $0) } }
        }
    }

    @Test("static quantization stays close to FP32", arguments: cases)
    func staticCloseToFloat(_ c: Case) throws {
        let model = SmallModels.classifier()
        var options = QuantizationOptions()
        options.method = c.method
        options.format = c.format
        options.activations = c.activations
        options.perChannel = c.perChannel
        let samples = SmallModels.samples(model, count: 4)
        let result = try Quantizer(options: options).quantize(model, calibration: CalibrationSet(samples: samples))
        let ops = Set(result.model.graph.nodes.map(\.opType))
        if c.format == .qdq {
            #expect(ops.contains("QuantizeLinear") && ops.contains("DequantizeLinear"))
            #expect(ops.contains("Conv"))
        } else {
            #expect(ops.contains("QLinearConv"))
            #expect(!ops.contains("Conv"))
        }
        #expect(!ops.contains("Relu"), "Relu is folded into the Conv output's QuantizeLinear")
        let reference = try SmallModels.run(model, samples[0])
        let quantized = try SmallModels.run(result.model, samples[0])
        let span = reference.map(abs).max()!
        for (a, b) in zip(reference, quantized) { #expect(abs(a - b) <= 0.1 * span, "\(a) vs \(b)") }
    }

    @Test("dynamic quantization writes ORT's integer pattern for Conv and Gemm")
    func dynamicPattern() throws {
        let model = SmallModels.classifier()
        var options = QuantizationOptions()
        options.mode = .dynamic
        let result = try Quantizer(options: options).quantize(model, calibration: nil)
        let ops = result.model.graph.nodes.map(\.opType)
        #expect(ops.filter { $0 == "DynamicQuantizeLinear" }.count == 2)
        #expect(ops.contains("ConvInteger") && ops.contains("MatMulInteger"))
        #expect(ops.contains("Cast"))
        #expect(!ops.contains("Conv") && !ops.contains("Gemm"))
        #expect(result.report.quantized["Conv"] == 1 && result.report.quantized["Gemm"] == 1)
        let input = SmallModels.samples(model, count: 1)[0]
        let reference = try SmallModels.run(model, input)
        let quantized = try SmallModels.run(result.model, input)
        let span = reference.map(abs).max()!
        for (a, b) in zip(reference, quantized) { #expect(abs(a - b) <= 0.05 * span, "\(a) vs \(b)") }
    }

    @Test("dynamic MatMul keeps per-column weight scales")
    func dynamicMatMul() throws {
        let model = SmallModels.matmul()
        var options = QuantizationOptions()
        options.mode = .dynamic
        let result = try Quantizer(options: options).quantize(model, calibration: nil)
        let scale = try #require(result.model.graph.initializers.first { $0.key.hasPrefix("w_scale") }?.value)
        #expect(scale.shape == [5])
        let input = SmallModels.samples(model, count: 1)[0]
        let reference = try SmallModels.run(model, input)
        let quantized = try SmallModels.run(result.model, input)
        for (a, b) in zip(reference, quantized) { #expect(abs(a - b) <= 0.05) }
    }

    @Test("weights are symmetric int8 in [-127, 127] with scale max|w|/127 per channel")
    func weightQuantization() {
        let w = Tensor(floats: [1, -2, 0.5, 4, 0, 0], shape: [3, 2])
        let q = QuantizedWeight(w, axis: 0)
        #expect(q.scales == [2 / 127, 4 / 127, 1])
        #expect(q.values == [64, -127, 16, 127, 0, 0])
        let perTensor = QuantizedWeight(w, axis: nil)
        #expect(perTensor.scales == [4 / 127])
        #expect(perTensor.values.allSatisfy { $0 >= -127 })
    }

    @Test("bias is int32 round(b / (x_scale * w_scale))")
    func biasQuantization() {
        let bias = Tensor(floats: [0.5, -1.25], shape: [2])
        let q = quantizeBias(bias, inputScale: 0.5, weightScales: [0.1, 0.2])
        #expect(q.values == [10, -12])
        #expect(q.scales == [0.05, 0.1])
    }

    @Test("activation parameters include zero and follow ORT's rounding")
    func activationParameters() {
        let u8 = QuantizationParameters.activation(TensorRange(min: -1, max: 3), type: .uint8)
        #expect(u8.scales == [4 / 255])
        #expect(u8.zeroPoints == [64])
        let s8 = QuantizationParameters.activation(TensorRange(min: 0.5, max: 2.55), type: .int8)
        #expect(s8.scales == [2.55 / 255])
        #expect(s8.zeroPoints == [-128])
    }

    @Test("an operator without an integer kernel stays float and is listed")
    func unknownOperatorLeftFloat() throws {
        let model = SmallModels.classifier(unknownOp: true)
        let result = try Quantizer(options: QuantizationOptions())
            .quantize(model, calibration: CalibrationSet(samples: SmallModels.samples(model, count: 2)))
        #expect(result.report.leftFloat.map(\.node) == ["softmax"])
        #expect(result.model.graph.nodes.contains { $0.opType == "Softmax" })
    }

    @Test("--exclude leaves the named node in float")
    func exclude() throws {
        let model = SmallModels.classifier()
        var options = QuantizationOptions()
        options.exclude = ["fc"]
        options.format = .qoperator
        let result = try Quantizer(options: options).quantize(model, calibration: CalibrationSet(samples: SmallModels.samples(model, count: 2)))
        #expect(result.report.leftFloat.contains { $0.node == "fc" && $0.reason.contains("exclude") })
        #expect(result.model.graph.nodes.contains { $0.opType == "Gemm" })
    }

    @Test("--exclude with a trailing * leaves every node with that prefix in float; unmatched names are reported")
    func excludePrefix() throws {
        let model = SmallModels.classifier()
        let names = model.graph.nodes.map(\.name)
        var options = QuantizationOptions()
        options.exclude = ["f*", "nothing*", "typo"]
        #expect(options.excludes("fc") && !options.excludes("conv"))
        #expect(options.unmatchedExcludes(in: names) == ["nothing*", "typo"])
        let result = try Quantizer(options: options).quantize(model, calibration: CalibrationSet(samples: SmallModels.samples(model, count: 2)))
        let excluded = Set(result.report.leftFloat.filter { $0.reason.contains("exclude") }.map(\.node))
        #expect(!excluded.isEmpty && excluded == Set(names.filter { $0.hasPrefix("f") }), "\(excluded) of \(names)")
    }

    @Test("an already quantized model is refused with the reason")
    func alreadyQuantized() throws {
        let model = SmallModels.classifier()
        var options = QuantizationOptions()
        options.mode = .dynamic
        let once = try Quantizer(options: options).quantize(model, calibration: nil).model
        let error = #expect(throws: QuantizationError.self) { try Quantizer(options: options).quantize(once, calibration: nil) }
        #expect(error?.code == .alreadyQuantized)
        #expect(error?.description.contains("already quantized") == true)
    }

    @Test("static quantization without calibration samples is refused")
    func emptyCalibration() {
        let error = #expect(throws: QuantizationError.self) {
            try Quantizer(options: QuantizationOptions()).quantize(SmallModels.classifier(), calibration: CalibrationSet(samples: []))
        }
        #expect(error?.code == .emptyCalibration)
    }

    @Test("the progress callback sees every calibration batch", arguments: QuantizationOptions.Method.allCases)
    func progress(_ method: QuantizationOptions.Method) throws {
        let model = SmallModels.classifier()
        var options = QuantizationOptions()
        options.method = method
        nonisolated(unsafe) var seen: [(Int, Int)] = []
        _ = try Quantizer(options: options).quantize(model, calibration: CalibrationSet(samples: SmallModels.samples(model, count: 3))) {
            seen.append(($0, $1))
        }
        let passes = method == .minmax ? 1 : 2
        #expect(seen.map(\.0) == Array(1...(3 * passes)))
        #expect(seen.allSatisfy { $0.1 == 3 * passes })
    }
}

@Suite("Quantizer preparation")
struct QuantizerPreparationTests {
    @Test("a symbolic batch dimension is bound to 1", arguments: QuantizationOptions.Mode.allCases)
    func symbolicBatch(_ mode: QuantizationOptions.Mode) throws {
        var model = SmallModels.classifier()
        model.graph.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [.param("batch"), .value(3), .value(8), .value(8)])]
        var options = QuantizationOptions()
        options.mode = mode
        let samples = SmallModels.samples(SmallModels.classifier(), count: 2)
        let result = try Quantizer(options: options).quantize(model, calibration: CalibrationSet(samples: samples))
        #expect(result.model.graph.inputs[0].staticShape == [1, 3, 8, 8])
        let reference = try SmallModels.run(SmallModels.classifier(), samples[0])
        let quantized = try SmallModels.run(result.model, samples[0])
        let span = reference.map(abs).max()!
        for (a, b) in zip(reference, quantized) { #expect(abs(a - b) <= 0.1 * span) }
    }
}
