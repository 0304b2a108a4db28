import EdgeInference

/// Static and dynamic int8 quantization of an FP32 ONNX model.
///
/// The model is first normalized by the runtime's own passes (shape inference, constant folding,
/// BatchNormalization folding), so the quantizer sees the graph the runtime will run.
public struct Quantizer {
    public var options: QuantizationOptions

    public init(options: QuantizationOptions) { self.options = options }

    /// Operators whose integer form exists (in our runtime and in ONNX Runtime): Conv/MatMul/Gemm
    /// take int8 weights; the others pass quantized activations through.
    static let computeOps: Set<String> = ["Conv", "MatMul", "Gemm"]
    static let activationOps: Set<String> = [
        "Add", "Mul", "GlobalAveragePool", "AveragePool", "MaxPool", "Relu", "Clip", "Sigmoid", "LeakyRelu",
        "Concat", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze",
    ]
    static let dynamicOps: Set<String> = ["Conv", "MatMul", "Gemm"]

    /// Refuses models that already hold quantized operators: quantizing twice compounds the error
    /// and the calibration ranges would be those of integer values.
    public static func checkNotQuantized(_ model: Model) throws(QuantizationError) {
        for node in model.graph.nodes {
            let op = node.opType
            if op == "QuantizeLinear" || op == "DequantizeLinear" || op == "DynamicQuantizeLinear"
                || op.hasPrefix("QLinear") || op.hasSuffix("Integer")
            {
                throw QuantizationError(
                    code: .alreadyQuantized,
                    message: "the model is already quantized: node '\(node.name)' is \(op); quantize the FP32 original instead",
                    value: node.name)
            }
        }
    }

    /// Shape inference, constant folding, BatchNormalization folding.
    public static func prepare(_ model: Model) throws(QuantizationError) -> Model {
        try checkNotQuantized(model)
        // Symbolic dimensions (a `batch` axis) are bound to 1: the agent runs one frame at a time,
        // and shape inference needs concrete shapes to plan the quantized graph.
        var shapes: [String: [Int]] = [:]
        for input in model.graph.runtimeInputs where input.staticShape == nil {
            guard let dims = input.shape else { continue }
            shapes[input.name] = dims.map { dim in
                if case .value(let v) = dim, v > 0 { return Int(v) }
                return 1
            }
        }
        var prepared: Model
        do { prepared = try model.normalized(inputShapes: shapes) } catch {
            throw QuantizationError(code: .invalidModel, message: "cannot prepare the model: \(error)")
        }
        for i in prepared.graph.inputs.indices {
            if let shape = shapes[prepared.graph.inputs[i].name] {
                prepared.graph.inputs[i] = ValueInfo(name: prepared.graph.inputs[i].name, elementType: .float32, shape: shape)
            }
        }
        return prepared
    }

    /// Quantizes `model`. Static mode needs `calibration`; `progress` sees calibration batches.
    public func quantize(
        _ model: Model,
        calibration: CalibrationSet?,
        progress: @escaping (Int, Int) -> Void = { _, _ in }
    ) throws(QuantizationError) -> (model: Model, report: QuantizationReport) {
        let prepared = try Self.prepare(model)
        var result: (model: Model, report: QuantizationReport)
        switch options.mode {
        case .dynamic:
            result = quantizeDynamic(prepared)
        case .static:
            guard let calibration, !calibration.samples.isEmpty else {
                throw QuantizationError(code: .emptyCalibration, message: "static quantization needs at least one calibration sample")
            }
            let plan = staticPlan(prepared)
            let ranges = try RangeCalibrator(options: options, progress: progress)
                .ranges(model: prepared, tensors: plan.tensors, calibration: calibration)
            result = applyStatic(prepared, plan: plan, ranges: ranges)
            if options.format == .qoperator {
                result.report.notes += result.model.fuseQDQ()
            }
        }
        result.model.opsets[""] = max(result.model.opsets[""] ?? 13, 13)
        result.model.producerName = "edgemlops-quantize"
        result.model.metadata.removeAll { $0.key == "edgemlops.quantization" }
        result.model.metadata.append(
            StringStringEntryProto(key: "edgemlops.quantization", value: describe()))
        return result
    }

    func describe() -> String {
        switch options.mode {
        case .dynamic: "dynamic int8 per-channel weights"
        case .static:
            "static \(options.format.rawValue) \(options.method.rawValue) activations=\(options.activations.rawValue) per-channel=\(options.perChannel)"
        }
    }
}
