/// What a shape rule sees of one node: its attributes, its inputs' types and any constant inputs.
///
/// All arithmetic on dimensions goes through the checked helpers here so that absurd attribute
/// values in a corrupted model produce an error, not an overflow trap.
struct InferenceContext {
    let node: Node
    let opset: Int
    let types: [String: TensorType]
    let constants: [String: Tensor]

    func error(_ message: String, field: String? = nil) -> ONNXError {
        ONNXError(
            code: .shapeInference,
            message: "\(node.opType) (opset \(opset)): \(message)",
            field: field,
            node: node.name_
        )
    }

    /// Type of a required input.
    func input(_ index: Int) throws(ONNXError) -> TensorType {
        guard let name = node.input(index) else { throw error("missing required input \(index)") }
        guard let type = types[name] else { throw error("input '\(name)' has no known type") }
        return type
    }

    /// Type of an optional input, nil when omitted.
    func optionalInput(_ index: Int) throws(ONNXError) -> TensorType? {
        guard node.input(index) != nil else { return nil }
        return try input(index)
    }

    /// The constant value of an input (initializer or folded constant), nil when not constant or omitted.
    func constant(_ index: Int) -> Tensor? {
        guard let name = node.input(index) else { return nil }
        return constants[name]
    }

    /// Integer values of a constant input; throws when the input is present but not constant.
    func constantInts(_ index: Int, what: String) throws(ONNXError) -> [Int]? {
        guard let name = node.input(index) else { return nil }
        guard let tensor = constants[name] else {
            throw error("\(what) input '\(name)' must be a constant for static shape inference")
        }
        do { return try tensor.ints() } catch { throw self.error("\(what): \(error.message)") }
    }

    func constantFloats(_ index: Int, what: String) throws(ONNXError) -> [Float]? {
        guard let name = node.input(index) else { return nil }
        guard let tensor = constants[name] else {
            throw error("\(what) input '\(name)' must be a constant for static shape inference")
        }
        return tensor.floats()
    }

    /// A constant input if present, else the attribute of the same name (older opsets).
    func intsInputOrAttribute(_ index: Int, _ name: String) throws(ONNXError) -> [Int]? {
        if let value = try constantInts(index, what: name) { return value }
        return try node.ints(name)
    }

    func floatsInputOrAttribute(_ index: Int, _ name: String) throws(ONNXError) -> [Float]? {
        if let value = try constantFloats(index, what: name) { return value }
        return try node.floats(name)
    }

    func requireType(_ t: TensorType, _ allowed: [ElementType], _ what: String) throws(ONNXError) {
        guard allowed.contains(t.elementType) else {
            throw error(
                "\(what) has type \(t.elementType); expected " + allowed.map(\.description).joined(separator: " or ")
            )
        }
    }

    /// Normalizes a possibly negative axis against `rank`.
    func axis(_ value: Int, rank: Int, name: String = "axis") throws(ONNXError) -> Int {
        guard value >= -rank, value < rank else {
            throw error("\(name) \(value) out of range for rank \(rank)", field: name)
        }
        return value < 0 ? value + rank : value
    }

    // MARK: Checked arithmetic

    func add(_ a: Int, _ b: Int) throws(ONNXError) -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        guard !o else { throw error("dimension arithmetic overflows") }
        return r
    }

    func mul(_ a: Int, _ b: Int) throws(ONNXError) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        guard !o else { throw error("dimension arithmetic overflows") }
        return r
    }

    /// Product of dims, capped at ``Tensor/maxElementCount``.
    func product(_ dims: some Sequence<Int>) throws(ONNXError) -> Int {
        var n = 1
        for d in dims {
            n = try mul(n, d)
            guard n <= Tensor.maxElementCount else { throw error("tensor size is absurd") }
        }
        return n
    }

    /// Validates an output shape (non-negative, bounded) before it is recorded.
    func checked(_ shape: [Int]) throws(ONNXError) -> [Int] {
        for d in shape where d < 0 { throw error("computed a negative dimension: \(shape)") }
        _ = try product(shape)
        return shape
    }
}
