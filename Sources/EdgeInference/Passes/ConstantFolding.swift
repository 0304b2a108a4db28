/// Evaluation of constant-producing nodes.
enum ConstantFolding {
    /// The tensor a `Constant` node produces, from whichever `value*` attribute it carries.
    static func constantValue(of node: Node) throws(ONNXError) -> Tensor {
        func fail(_ message: String) -> ONNXError {
            ONNXError(code: .invalidModel, message: "Constant: \(message)", node: node.name_)
        }
        guard node.attributes.count == 1, let (key, value) = node.attributes.first else {
            throw fail("needs exactly one value attribute, has \(node.attributes.keys.sorted())")
        }
        switch (key, value) {
        case ("value", .tensor(let t)): return t
        case ("value_float", .float(let f)): return Tensor(floats: [f], shape: [])
        case ("value_floats", .floats(let fs)): return Tensor(floats: fs, shape: [fs.count])
        case ("value_int", .int(let i)): return Tensor(int64s: [Int64(i)], shape: [])
        case ("value_ints", .ints(let list)): return Tensor(int64s: list.map { Int64($0) }, shape: [list.count])
        default:
            throw ONNXError(
                code: .unsupported,
                message: "Constant attribute '\(key)' of type \(value.typeName) is not supported",
                field: key,
                node: node.name_
            )
        }
    }
}
