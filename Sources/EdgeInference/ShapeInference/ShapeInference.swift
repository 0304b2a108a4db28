/// Static shape and type inference over a whole graph.
///
/// Every operator EdgeMLOps supports has a rule here; a node whose operator has no rule (or
/// whose opset predates the operator) fails with ``ONNXError/Code/unsupportedOperator``,
/// naming the op type, node and opset. Shapes must be fully static: symbolic input dimensions
/// are bound with `inputShapes`.
public enum ShapeInference {
    typealias Rule = @Sendable (InferenceContext) throws(ONNXError) -> [TensorType]

    struct OperatorRule: Sendable {
        /// First opset of the operator's domain in which it exists.
        let since: Int
        /// Accepted only when constant folding can evaluate the node (shape computations).
        var foldOnly = false
        let infer: Rule

        init(since: Int, foldOnly: Bool = false, infer: @escaping Rule) {
            self.since = since
            self.foldOnly = foldOnly
            self.infer = infer
        }
    }

    /// Opset range of the default domain we accept.
    public static let supportedDefaultOpsets = 7...25

    /// Infers the type of every value in `model`'s main graph.
    ///
    /// - Parameter inputShapes: concrete shapes for graph inputs, overriding the declared ones
    ///   (required for inputs with symbolic or unknown dimensions).
    /// - Returns: types of graph inputs, initializers and every node output, by name.
    public static func infer(
        _ model: Model,
        inputShapes: [String: [Int]] = [:]
    ) throws(ONNXError) -> [String: TensorType] {
        try inferWithConstants(model, inputShapes: inputShapes).types
    }

    /// ``infer(_:inputShapes:)`` plus the values of every value that is constant: initializers
    /// and the outputs of nodes constant folding could evaluate.
    static func inferWithConstants(
        _ model: Model,
        inputShapes: [String: [Int]] = [:]
    ) throws(ONNXError) -> (types: [String: TensorType], constants: [String: Tensor]) {
        var types: [String: TensorType] = [:]
        var constants = model.graph.initializers
        for (name, tensor) in model.graph.initializers {
            types[name] = TensorType(tensor.elementType, tensor.shape)
        }
        for input in model.graph.runtimeInputs {
            guard let elementType = input.elementType else {
                throw ONNXError(
                    code: .shapeInference,
                    message: "graph input '\(input.name)' has no (supported) element type",
                    field: "graph.input"
                )
            }
            let shape: [Int]
            if let given = inputShapes[input.name] {
                shape = given
            } else if let declared = input.staticShape {
                shape = declared
            } else {
                throw ONNXError(
                    code: .shapeInference,
                    message: "graph input '\(input.name)' has shape \(input.typeDescription) with unknown dimensions; "
                        + "give a concrete shape",
                    field: "graph.input"
                )
            }
            do { _ = try Tensor.elementCount(of: shape) } catch {
                throw ONNXError(
                    code: .shapeInference,
                    message: "graph input '\(input.name)': \(error.message)",
                    field: "graph.input"
                )
            }
            types[input.name] = TensorType(elementType, shape)
        }
        for node in model.graph.nodes {
            let rule = try self.rule(for: node, in: model)
            let context = InferenceContext(
                node: node,
                opset: model.opset(for: node) ?? 0,
                types: types,
                constants: constants
            )
            let outputs = try rule.infer(context)
            for (index, name) in node.outputs.enumerated() where !name.isEmpty {
                guard index < outputs.count else {
                    throw context.error("has \(node.outputs.count) outputs; the operator produces \(outputs.count)")
                }
                types[name] = TensorType(outputs[index].elementType, try context.checked(outputs[index].shape))
            }
            if node.opType == "Constant", node.domain.isEmpty, let out = node.outputs.first,
                let value = try? ConstantFolding.constantValue(of: node)
            {
                constants[out] = value
            } else if let values = ConstantFolding.evaluate(node, context: context, outputs: outputs) {
                for (name, value) in zip(node.outputs, values) where !name.isEmpty { constants[name] = value }
            } else if rule.foldOnly {
                throw ONNXError(
                    code: .unsupportedOperator,
                    message:
                        "unsupported operator '\(node.opType)' (domain \(node.displayDomain), opset \(context.opset)) "
                        + "in node '\(node.name)': supported only as a constant shape computation, and its inputs are not "
                        + "constant",
                    node: node.name_
                )
            }
        }
        for output in model.graph.outputs where types[output.name] == nil {
            throw ONNXError(
                code: .shapeInference,
                message: "graph output '\(output.name)' is not produced by any node",
                field: "graph.output"
            )
        }
        return (types, constants)
    }

    /// The rule for a node, or the "unsupported operator" error.
    static func rule(for node: Node, in model: Model) throws(ONNXError) -> OperatorRule {
        let opset = model.opset(for: node)
        func unsupported(_ why: String) -> ONNXError {
            ONNXError(
                code: .unsupportedOperator,
                message:
                    "unsupported operator '\(node.opType)' (domain \(node.displayDomain), opset \(opset.map(String.init) ?? "not imported")) "
                    + "in node '\(node.name)': \(why)",
                node: node.name_
            )
        }
        guard let opset else { throw unsupported("the model does not import domain \(node.displayDomain)") }
        if node.domain.isEmpty, !supportedDefaultOpsets.contains(opset) {
            throw unsupported(
                "ai.onnx opsets \(supportedDefaultOpsets.lowerBound)–\(supportedDefaultOpsets.upperBound) are supported"
            )
        }
        let table = node.domain.isEmpty ? defaultRules : (node.domain == Model.microsoftDomain ? microsoftRules : [:])
        guard let rule = table[node.opType] else { throw unsupported("no implementation") }
        guard opset >= rule.since else { throw unsupported("the operator exists from opset \(rule.since)") }
        return rule
    }

    /// Operator names we implement in a domain (for documentation and `model inspect`).
    public static func supportedOperators(domain: String) -> [String] {
        (domain.isEmpty ? defaultRules : domain == Model.microsoftDomain ? microsoftRules : [:]).keys.sorted()
    }

    static let defaultRules: [String: OperatorRule] = [
        "Conv": OperatorRule(since: 1) { c throws(ONNXError) in [try convolution(c, weightIndex: 1, output: .float32)]
        },
        "ConvTranspose": OperatorRule(since: 1) { c throws(ONNXError) in [try convTranspose(c)] },
        "ConvInteger": OperatorRule(since: 10) { c throws(ONNXError) in
            [try convolution(c, weightIndex: 1, output: .int32)]
        },
        "QLinearConv": OperatorRule(since: 10) { c throws(ONNXError) in
            [try convolution(c, weightIndex: 3, output: try quantizedOutputType(c, zeroPoint: 7))]
        },
        "Gemm": OperatorRule(since: 1) { c throws(ONNXError) in [try gemm(c, a: 0, b: 1, c: 2, output: .float32)] },
        "MatMul": OperatorRule(since: 1) { c throws(ONNXError) in [try matmul(c, a: 0, b: 1, output: .float32)] },
        "MatMulInteger": OperatorRule(since: 10) { c throws(ONNXError) in [try matmul(c, a: 0, b: 1, output: .int32)] },
        "QLinearMatMul": OperatorRule(since: 10) { c throws(ONNXError) in
            [try matmul(c, a: 0, b: 3, output: try quantizedOutputType(c, zeroPoint: 7))]
        },
        "Add": OperatorRule(since: 1) { c throws(ONNXError) in [try binary(c)] },
        "Sub": OperatorRule(since: 1) { c throws(ONNXError) in [try binary(c)] },
        "Mul": OperatorRule(since: 1) { c throws(ONNXError) in [try binary(c)] },
        "Div": OperatorRule(since: 1) { c throws(ONNXError) in [try binary(c)] },
        "Relu": OperatorRule(since: 1) { c throws(ONNXError) in [try unary(c)] },
        "Clip": OperatorRule(since: 1) { c throws(ONNXError) in [try unary(c)] },
        "LeakyRelu": OperatorRule(since: 1) { c throws(ONNXError) in [try unary(c)] },
        "Sigmoid": OperatorRule(since: 1) { c throws(ONNXError) in [try unary(c)] },
        "HardSigmoid": OperatorRule(since: 1) { c throws(ONNXError) in [try unary(c)] },
        "HardSwish": OperatorRule(since: 14) { c throws(ONNXError) in [try unary(c)] },
        "Softmax": OperatorRule(since: 1) { c throws(ONNXError) in [try softmax(c)] },
        "Identity": OperatorRule(since: 1) { c throws(ONNXError) in [try c.input(0)] },
        "Dropout": OperatorRule(since: 1) { c throws(ONNXError) in
            let x = try c.input(0)
            return [x, TensorType(.bool, x.shape)]
        },
        "BatchNormalization": OperatorRule(since: 1) { c throws(ONNXError) in [try batchNormalization(c)] },
        "MaxPool": OperatorRule(since: 1) { c throws(ONNXError) in
            let y = try pool(c)
            return [y, TensorType(.int64, y.shape)]
        },
        "AveragePool": OperatorRule(since: 1) { c throws(ONNXError) in [try pool(c)] },
        "GlobalAveragePool": OperatorRule(since: 1) { c throws(ONNXError) in [try globalPool(c, channelsLast: false)] },
        "ReduceMean": OperatorRule(since: 1) { c throws(ONNXError) in [try reduce(c)] },
        "Flatten": OperatorRule(since: 1) { c throws(ONNXError) in [try flatten(c)] },
        "Reshape": OperatorRule(since: 5) { c throws(ONNXError) in [try reshape(c)] },
        "Transpose": OperatorRule(since: 1) { c throws(ONNXError) in [try transpose(c)] },
        "Concat": OperatorRule(since: 4) { c throws(ONNXError) in [try concat(c, inputs: Array(c.node.inputs.indices))]
        },
        "Squeeze": OperatorRule(since: 1) { c throws(ONNXError) in [try squeeze(c)] },
        "Unsqueeze": OperatorRule(since: 1) { c throws(ONNXError) in [try unsqueeze(c)] },
        "Split": OperatorRule(since: 2) { c throws(ONNXError) in try split(c) },
        "Resize": OperatorRule(since: 10) { c throws(ONNXError) in [try resize(c)] },
        "Upsample": OperatorRule(since: 7) { c throws(ONNXError) in [try resize(c)] },
        "Pad": OperatorRule(since: 2) { c throws(ONNXError) in [try pad(c)] },
        "Cast": OperatorRule(since: 6) { c throws(ONNXError) in [try cast(c)] },
        "Constant": OperatorRule(since: 1) { c throws(ONNXError) in [try constantNode(c)] },
        "QuantizeLinear": OperatorRule(since: 10) { c throws(ONNXError) in [try quantizeLinear(c)] },
        "DequantizeLinear": OperatorRule(since: 10) { c throws(ONNXError) in [try dequantizeLinear(c)] },
        "Shape": OperatorRule(since: 1, foldOnly: true) { c throws(ONNXError) in [try shapeOf(c)] },
        "Gather": OperatorRule(since: 1, foldOnly: true) { c throws(ONNXError) in [try gather(c)] },
        "Slice": OperatorRule(since: 1, foldOnly: true) { c throws(ONNXError) in [try slice(c)] },
        "ConstantOfShape": OperatorRule(since: 9, foldOnly: true) { c throws(ONNXError) in [try constantOfShape(c)] },
        "Floor": OperatorRule(since: 1, foldOnly: true) { c throws(ONNXError) in [try unary(c)] },
        "Ceil": OperatorRule(since: 1, foldOnly: true) { c throws(ONNXError) in [try unary(c)] },
        "DynamicQuantizeLinear": OperatorRule(since: 11) { c throws(ONNXError) in
            let x = try c.input(0)
            try c.requireType(x, [.float32], "input")
            return [TensorType(.uint8, x.shape), TensorType(.float32, []), TensorType(.uint8, [])]
        },
    ]

    static let microsoftRules: [String: OperatorRule] = [
        "QLinearAdd": OperatorRule(since: 1) { c throws(ONNXError) in [try qlinearBinary(c)] },
        "QLinearMul": OperatorRule(since: 1) { c throws(ONNXError) in [try qlinearBinary(c)] },
        "QLinearSigmoid": OperatorRule(since: 1) { c throws(ONNXError) in [try qlinearUnary(c)] },
        "QLinearLeakyRelu": OperatorRule(since: 1) { c throws(ONNXError) in [try qlinearUnary(c)] },
        "QLinearSoftmax": OperatorRule(since: 1) { c throws(ONNXError) in [try qlinearUnary(c)] },
        "QLinearGlobalAveragePool": OperatorRule(since: 1) { c throws(ONNXError) in
            [try globalPool(c, channelsLast: try c.node.int("channels_last", default: 0) != 0)]
        },
        "QLinearAveragePool": OperatorRule(since: 1) { c throws(ONNXError) in [try pool(c)] },
        "QLinearConcat": OperatorRule(since: 1) { c throws(ONNXError) in
            let count = c.node.inputs.count
            guard count >= 5, (count - 2) % 3 == 0 else {
                throw c.error("expects Y_scale, Y_zero_point and (X, scale, zero point) triples")
            }
            var y = try concat(c, inputs: Array(stride(from: 2, to: count, by: 3)))
            y.elementType = try quantizedOutputType(c, zeroPoint: 1)
            return [y]
        },
        "QGemm": OperatorRule(since: 1) { c throws(ONNXError) in
            let output: ElementType =
                c.node.input(8) != nil
                ? try quantizedOutputType(c, zeroPoint: 8) : (c.node.input(7) != nil ? .uint8 : .float32)
            return [try gemm(c, a: 0, b: 3, c: 6, output: output)]
        },
    ]
}
