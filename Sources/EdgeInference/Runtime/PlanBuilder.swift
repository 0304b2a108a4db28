import CKernels

/// Lowers a normalized model to steps: one per operator, plus the layout conversions the
/// channels-last layout needs. Spatial operators (convolution, pooling, resize) take and produce
/// channels-last; element-wise operators work in whatever layout their input has; the rest
/// (reshapes, matrix products, softmax, …) see ONNX's layout. Conversions are memoized per value,
/// so a CNN converts its input once and its output once.
struct PlanBuilder {
    let model: Model
    let types: [String: TensorType]
    var values: [PlannedValue] = []
    var steps: [Step] = []
    var ids: [String: Int] = [:]
    var inputIDs: [Int] = []
    var outputIDs: [Int] = []
    var outputNames: [String] = []
    var log: [String] = []
    let pool = ConstantPool()
    /// Nodes folded into a predecessor (activation fusion); their outputs are the predecessor's.
    var skipped: Set<String> = []
    private var converted: [Int: Int] = [:]

    init(model: Model, types: [String: TensorType]) {
        self.model = model
        self.types = types
    }

    mutating func build() throws {
        // Kernels divide by dimensions and index with them; empty tensors never occur in the edge
        // models we run, so they are refused up front instead of special-cased in every kernel.
        for node in model.graph.nodes {
            for name in node.inputs + node.outputs where !name.isEmpty {
                if let t = types[name], t.shape.contains(0) {
                    throw RuntimeError(code: .unsupported, message: "'\(name)' is an empty tensor \(t.shape)", node: node.name, value: name)
                }
            }
        }
        for input in model.graph.runtimeInputs {
            let type = try type(of: input.name, node: nil)
            inputIDs.append(newValue(input.name, type.elementType, type.shape))
        }
        for node in model.graph.nodes where !skipped.contains(node.name) {
            try lower(node)
        }
        for output in model.graph.outputs {
            let id = try standard(try value(output.name, node: nil))
            outputIDs.append(id)
            outputNames.append(output.name)
        }
    }

    // MARK: values

    func type(of name: String, node: Node?) throws -> TensorType {
        guard let t = types[name] else {
            throw RuntimeError(code: .invalidModel, message: "no inferred type for '\(name)'", node: node?.name, value: name)
        }
        return t
    }

    mutating func newValue(_ name: String, _ type: ElementType, _ shape: [Int], channelsLast: Bool = false) -> Int {
        values.append(PlannedValue(name: name, elementType: type, shape: shape, channelsLast: channelsLast))
        ids[name] = values.count - 1
        return values.count - 1
    }

    /// A constant computed at build time, stored in the pool.
    mutating func newConstant<T: BitwiseCopyable>(_ name: String, _ type: ElementType, _ shape: [Int], _ data: [T]) -> Int {
        var v = PlannedValue(name: name, elementType: type, shape: shape, channelsLast: false)
        v.constant = ConstPtr(raw: pool.store(data))
        values.append(v)
        return values.count - 1
    }

    /// The id of a value by name; initializers enter the pool on first use.
    mutating func value(_ name: String, node: Node?) throws -> Int {
        if let id = ids[name] { return id }
        if let tensor = model.graph.initializers[name] {
            var v = PlannedValue(name: name, elementType: tensor.elementType, shape: tensor.shape, channelsLast: false)
            v.constant = ConstPtr(raw: pool.store(tensor))
            v.tensor = tensor
            values.append(v)
            ids[name] = values.count - 1
            return values.count - 1
        }
        throw RuntimeError(code: .invalidModel, message: "value '\(name)' is not produced before use", node: node?.name, value: name)
    }

    /// The initializer behind an input of `node`, or an error saying the executor needs a constant.
    func constant(_ node: Node, _ index: Int) throws -> Tensor? {
        guard let name = node.input(index) else { return nil }
        guard let t = model.graph.initializers[name] else {
            throw RuntimeError(
                code: .unsupported,
                message: "\(node.opType) input \(index) ('\(name)') must be a constant (initializer) here",
                node: node.name,
                value: name
            )
        }
        return t
    }

    mutating func append(_ node: String, _ op: String, _ inputs: [Int], _ outputs: [Int], _ run: @escaping @Sendable (Frame) -> Void) {
        steps.append(Step(node: node, opType: op, inputs: inputs, outputs: outputs, run: run))
    }

    /// Throws the message of a `ck_*_check` validator, if it returned one.
    func check(_ message: UnsafePointer<CChar>?, _ node: String) throws {
        if let message {
            throw RuntimeError(code: .invalidModel, message: String(cString: message), node: node)
        }
    }

    /// Throws unless a parameter array has one entry or one per channel (kernels index it by channel).
    func checkCount(_ count: Int, channels: Int, _ what: String, _ node: Node) throws {
        guard count == 1 || count == channels else {
            throw RuntimeError(code: .invalidModel, message: "\(what) has \(count) entries for \(channels) channels", node: node.name)
        }
    }

    // MARK: layout

    /// `id` in ONNX layout (inserting a channels-last → standard transpose if needed).
    mutating func standard(_ id: Int) throws -> Int {
        guard values[id].channelsLast else { return id }
        return try convert(id, toChannelsLast: false)
    }

    /// `id` channels-last (rank 3/4), inserting a transpose if needed.
    mutating func channelsLast(_ id: Int) throws -> Int {
        guard !values[id].channelsLast else { return id }
        return try convert(id, toChannelsLast: true)
    }

    private mutating func convert(_ id: Int, toChannelsLast: Bool) throws -> Int {
        if let done = converted[id] { return done }
        let v = values[id]
        // When every spatial dimension or the channel dimension is 1, both layouts have the same
        // bytes (e.g. GlobalAveragePool's N×C×1×1): relabel instead of moving data.
        if v.shape.dropFirst(2).allSatisfy({ $0 == 1 }) || v.shape[1] == 1 {
            values[id].channelsLast = toChannelsLast
            return id
        }
        let rank = v.shape.count
        let physIn = v.physicalShape
        let perm: [Int] = toChannelsLast ? [0] + Array(2..<rank) + [1] : [0, rank - 1] + Array(1..<(rank - 1))
        let out = newValue(v.name + (toChannelsLast ? "#nhwc" : "#nchw"), v.elementType, v.shape, channelsLast: toChannelsLast)
        ids[v.name] = id  // the name keeps meaning the original
        converted[id] = out
        try appendTranspose("layout:" + v.name, toChannelsLast ? "Transpose(NCHW→NHWC)" : "Transpose(NHWC→NCHW)",
                            input: id, output: out, physicalShape: physIn, perm: perm)
        return out
    }

    mutating func appendTranspose(_ node: String, _ op: String, input: Int, output: Int, physicalShape: [Int], perm: [Int]) throws {
        let width = values[input].elementType.byteWidth
        let shape = physicalShape.map { size_t($0) }
        let p = perm.map { size_t($0) }
        let rank = shape.count
        guard rank <= 8, perm.count == rank else {
            throw RuntimeError(code: .unsupported, message: "transpose of rank \(rank) with \(perm.count) axes in perm (at most 8)", node: node)
        }
        try check(ck_transpose_check(rank, shape, p), node)
        switch width {
        case 1:
            append(node, op, [input], [output]) { f in
                shape.withUnsafeBufferPointer { s in
                    p.withUnsafeBufferPointer { pp in ck_transpose_x8__scalar(rank, s.baseAddress, pp.baseAddress, f.u8(input), f.u8(output)) }
                }
            }
        case 4:
            append(node, op, [input], [output]) { f in
                shape.withUnsafeBufferPointer { s in
                    p.withUnsafeBufferPointer { pp in
                        ck_transpose_x32__scalar(rank, s.baseAddress, pp.baseAddress, f[input].assumingMemoryBound(to: UInt32.self), f[output].assumingMemoryBound(to: UInt32.self))
                    }
                }
            }
        case 8:
            // 8-byte elements as two 4-byte lanes: append a trailing axis of 2.
            let s2 = shape + [2]
            let p2 = p + [size_t(rank)]
            append(node, op, [input], [output]) { f in
                s2.withUnsafeBufferPointer { s in
                    p2.withUnsafeBufferPointer { pp in
                        ck_transpose_x32__scalar(rank + 1, s.baseAddress, pp.baseAddress, f[input].assumingMemoryBound(to: UInt32.self), f[output].assumingMemoryBound(to: UInt32.self))
                    }
                }
            }
        default:
            throw RuntimeError(code: .unsupported, message: "transpose of \(values[input].elementType)", node: node)
        }
    }

    /// A step that copies `input` to a new value `name` with `shape` (Reshape and friends).
    mutating func appendCopy(_ node: Node, input: Int, output: Int) {
        let bytes = values[output].byteCount
        append(node.name, node.opType, [input], [output]) { f in
            f[output].copyMemory(from: f[input], byteCount: bytes)
        }
    }

    // MARK: dispatch

    mutating func lower(_ node: Node) throws {
        try checkInputTypes(node)
        switch (node.domain, node.opType) {
        case ("", "Conv"): try lowerConv(node)
        case ("", "ConvTranspose"): try lowerConvTranspose(node)
        case ("", "QLinearConv"), ("", "ConvInteger"): try lowerQConv(node)
        case ("", "Gemm"): try lowerGemm(node)
        case ("", "MatMul"): try lowerMatMul(node)
        case ("", "QLinearMatMul"), ("", "MatMulInteger"), ("com.microsoft", "QGemm"): try lowerQGemm(node)
        case ("", "Add"), ("", "Sub"), ("", "Mul"), ("", "Div"): try lowerBinary(node)
        case ("com.microsoft", "QLinearAdd"), ("com.microsoft", "QLinearMul"): try lowerQBinary(node)
        case ("", "Relu"), ("", "Clip"), ("", "LeakyRelu"), ("", "Sigmoid"), ("", "HardSigmoid"), ("", "HardSwish"):
            try lowerUnary(node)
        case ("com.microsoft", "QLinearSigmoid"): try lowerQSigmoid(node)
        case ("com.microsoft", "QLinearLeakyRelu"): try lowerQLeakyRelu(node)
        case ("", "MaxPool"), ("", "AveragePool"), ("com.microsoft", "QLinearAveragePool"): try lowerPool(node)
        case ("", "GlobalAveragePool"), ("com.microsoft", "QLinearGlobalAveragePool"): try lowerGlobalPool(node)
        case ("", "Softmax"): try lowerSoftmax(node)
        case ("", "ReduceMean"): try lowerReduceMean(node)
        case ("", "Reshape"), ("", "Flatten"), ("", "Squeeze"), ("", "Unsqueeze"), ("", "Identity"), ("", "Dropout"):
            try lowerReshape(node)
        case ("", "Transpose"): try lowerTranspose(node)
        case ("", "Concat"): try lowerConcat(node)
        case ("com.microsoft", "QLinearConcat"): try lowerQConcat(node)
        case ("", "Split"): try lowerSplit(node)
        case ("", "Pad"): try lowerPad(node)
        case ("", "Resize"): try lowerResize(node)
        case ("", "Cast"): try lowerCast(node)
        case ("", "QuantizeLinear"), ("", "DequantizeLinear"): try lowerQuantize(node)
        case ("", "DynamicQuantizeLinear"): try lowerDynamicQuantize(node)
        case ("", "BatchNormalization"): try lowerBatchNorm(node)
        default:
            throw RuntimeError(
                code: .unsupported,
                message: "operator \(node.displayDomain)::\(node.opType) (opset \(model.opset(for: node) ?? 0)) is not executed",
                node: node.name
            )
        }
    }

    /// The output value of `node` at `index`, registered under its name.
    mutating func output(_ node: Node, _ index: Int = 0, channelsLast: Bool = false) throws -> Int {
        let name = node.outputs[index]
        let t = try type(of: name, node: node)
        return newValue(name, t.elementType, t.shape, channelsLast: channelsLast && (t.shape.count == 3 || t.shape.count == 4))
    }
}
