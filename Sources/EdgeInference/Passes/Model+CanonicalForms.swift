/// Pass: operators whose signature changed between opsets are rewritten into one form.
///
/// The canonical form is the ai.onnx opset-18 signature of each operator: values that older
/// opsets carried as attributes become constant inputs. After the pass the model imports
/// ai.onnx at opset ≥ 18 so it stays a valid ONNX model that ONNX Runtime can load.
extension Model {
    /// The ai.onnx opset a canonical model declares (at least).
    public static let canonicalOpset = 18

    mutating func canonicalizeOperatorForms(types: [String: TensorType]) throws(ONNXError) {
        let opset = opsets[""] ?? Self.canonicalOpset
        var rewritten: [Node] = []
        rewritten.reserveCapacity(graph.nodes.count)
        for var node in graph.nodes {
            guard node.domain.isEmpty else {
                rewritten.append(node)
                continue
            }
            switch node.opType {
            case "Clip" where opset < 11:
                let low = try node.float("min")
                let high = try node.float("max")
                node.attributes = [:]
                node.inputs = [node.inputs[0], scalarInput(low, node, "min"), scalarInput(high, node, "max")]
                trimTrailingEmpty(&node.inputs)
            case "Squeeze" where opset < 13, "Unsqueeze" where opset < 13, "ReduceMean" where opset < 18:
                if let axes = try node.ints("axes") {
                    node.attributes["axes"] = nil
                    node.inputs = [node.inputs[0], int64Input(axes, node, "axes")]
                }
            case "Split":
                try canonicalizeSplit(&node, types: types)
            case "Pad" where opset < 11:
                let pads = try node.ints("pads") ?? []
                let value = try node.float("value", default: 0)
                node.attributes["pads"] = nil
                node.attributes["value"] = nil
                node.inputs = [node.inputs[0], int64Input(pads, node, "pads")]
                if try node.string("mode", default: "constant") == "constant" {
                    node.inputs.append(scalarInput(value, node, "value"))
                }
            case "Upsample":
                try canonicalizeOldResize(&node, scalesInput: node.input(1), opset: opset)
            case "Resize" where opset < 11:
                try canonicalizeOldResize(&node, scalesInput: node.input(1), opset: opset)
            case "Resize":
                // roi only matters for tf_crop_and_resize; an empty scales tensor means "use sizes".
                if try node.string("coordinate_transformation_mode", default: "half_pixel") != "tf_crop_and_resize",
                    node.inputs.count > 1
                {
                    node.inputs[1] = ""
                }
                if let scales = node.input(2), graph.initializers[scales]?.count == 0 { node.inputs[2] = "" }
                trimTrailingEmpty(&node.inputs)
            case "Softmax" where opset < 13:
                rewritten += try canonicalizeOldSoftmax(node, types: types)
                continue
            case "BatchNormalization":
                if try node.int("spatial", default: 1) != 1 {
                    throw ONNXError(
                        code: .unsupported,
                        message: "BatchNormalization with spatial=0 is not supported",
                        field: "spatial",
                        node: node.name_
                    )
                }
                node.attributes["spatial"] = nil
                node.attributes["is_test"] = nil
                node.attributes["consumed_inputs"] = nil
                if node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
                    throw ONNXError(
                        code: .unsupported,
                        message: "BatchNormalization in training mode (extra outputs) is not supported",
                        node: node.name_
                    )
                }
                node.outputs = [node.outputs[0]]
            case "Dropout":
                node.attributes["is_test"] = nil
                node.attributes["ratio"] = nil
            default:
                break
            }
            rewritten.append(node)
        }
        graph.nodes = rewritten
        opsets[""] = max(opset, Self.canonicalOpset)
        irVersion = max(irVersion, 8)
    }

    private mutating func scalarInput(_ value: Float?, _ node: Node, _ what: String) -> String {
        guard let value else { return "" }
        return graph.addInitializer(Tensor(floats: [value], shape: []), base: "\(node.name_)_\(what)")
    }

    private mutating func int64Input(_ values: [Int], _ node: Node, _ what: String) -> String {
        graph.addInitializer(
            Tensor(int64s: values.map { Int64($0) }, shape: [values.count]),
            base: "\(node.name_)_\(what)"
        )
    }

    private func trimTrailingEmpty(_ inputs: inout [String]) {
        while inputs.count > 1, inputs.last == "" { inputs.removeLast() }
    }

    /// Split always gets explicit sizes as its second input (Split-18 needs sizes or num_outputs).
    private mutating func canonicalizeSplit(_ node: inout Node, types: [String: TensorType]) throws(ONNXError) {
        if node.input(1) != nil, node.attributes["split"] == nil {
            node.attributes["num_outputs"] = nil
            return
        }
        let sizes = node.outputs.compactMap { types[$0] }
        let axisValue = try node.int("axis", default: 0)
        guard sizes.count == node.outputs.count, let x = node.input(0).flatMap({ types[$0] }) else {
            throw ONNXError(code: .shapeInference, message: "Split outputs have no inferred shapes", node: node.name_)
        }
        let axis = axisValue < 0 ? axisValue + x.rank : axisValue
        guard (0..<x.rank).contains(axis), sizes.allSatisfy({ $0.rank == x.rank }) else {
            throw ONNXError(code: .shapeInference, message: "Split axis \(axisValue) out of range", node: node.name_)
        }
        node.attributes["split"] = nil
        node.attributes["num_outputs"] = nil
        node.inputs = [node.inputs[0], int64Input(sizes.map { $0.shape[axis] }, node, "split")]
    }

    /// Upsample (7, 9) and Resize-10 → Resize(X, "", scales) with the coordinate rule they used.
    private mutating func canonicalizeOldResize(_ node: inout Node, scalesInput: String?, opset: Int) throws(ONNXError)
    {
        var scales = scalesInput
        if scales == nil, let fromAttribute = try node.floats("scales") {
            scales = graph.addInitializer(
                Tensor(floats: fromAttribute, shape: [fromAttribute.count]),
                base: "\(node.name_)_scales"
            )
        }
        guard let scales else {
            throw ONNXError(code: .invalidModel, message: "\(node.opType) needs scales", node: node.name_)
        }
        var mode = try node.string("mode", default: "nearest")
        if mode == "bilinear" { mode = "linear" }
        // Old Upsample/Resize-10 map output x to input x / scale ("asymmetric"); nearest took the
        // floor when upsampling and the ceiling when downsampling (ONNX Runtime's "simple" mode).
        var attributes: [String: Attribute] = [
            "mode": .string(mode),
            "coordinate_transformation_mode": .string("asymmetric"),
        ]
        if mode == "nearest" {
            let values = graph.initializers[scales]?.floats() ?? []
            let downsampling = values.contains { $0 < 1 }
            attributes["nearest_mode"] = .string(downsampling ? "ceil" : "floor")
        }
        node.opType = "Resize"
        node.attributes = attributes
        node.inputs = [node.inputs[0], "", scales]
    }

    /// Softmax before opset 13 works on the input flattened to 2-D at `axis`.
    private mutating func canonicalizeOldSoftmax(_ node: Node, types: [String: TensorType]) throws(ONNXError) -> [Node]
    {
        guard let xName = node.input(0), let x = types[xName] else {
            throw ONNXError(code: .shapeInference, message: "Softmax input has no inferred shape", node: node.name_)
        }
        var axis = try node.int("axis", default: 1)
        if axis < 0 { axis += x.rank }
        var canonical = node
        if axis >= x.rank - 1 {
            canonical.attributes = ["axis": .int(-1)]
            return [canonical]
        }
        let flat = graph.uniqueName("\(node.name_)_flat")
        let soft = graph.uniqueName("\(node.name_)_softmax2d")
        let shape = int64Input(x.shape, node, "shape")
        let flatten = Node(
            name: flat,
            opType: "Flatten",
            inputs: [xName],
            outputs: [flat],
            attributes: ["axis": .int(axis)]
        )
        canonical.inputs = [flat]
        canonical.outputs = [soft]
        canonical.attributes = ["axis": .int(-1)]
        let reshape = Node(
            name: node.name_ + "_reshape",
            opType: "Reshape",
            inputs: [soft, shape],
            outputs: node.outputs
        )
        return [flatten, canonical, reshape]
    }
}
