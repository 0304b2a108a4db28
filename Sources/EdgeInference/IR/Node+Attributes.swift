/// Typed attribute access with defaults and clear type errors.
extension Node {
    func attributeError(_ name: String, _ message: String) -> ONNXError {
        ONNXError(code: .invalidModel, message: "\(opType) attribute '\(name)': \(message)", field: name, node: name_)
    }

    /// The node name, or a synthesized `OpType#outputs` label when the node is unnamed.
    var name_: String { name.isEmpty ? "\(opType)→\(outputs.first ?? "?")" : name }

    public func int(_ key: String) throws(ONNXError) -> Int? {
        switch attributes[key] {
        case nil: return nil
        case .int(let v): return v
        case let other?: throw attributeError(key, "expected INT, got \(other.typeName)")
        }
    }

    public func int(_ key: String, default value: Int) throws(ONNXError) -> Int {
        try int(key) ?? value
    }

    public func float(_ key: String) throws(ONNXError) -> Float? {
        switch attributes[key] {
        case nil: return nil
        case .float(let v): return v
        case .int(let v): return Float(v)
        case let other?: throw attributeError(key, "expected FLOAT, got \(other.typeName)")
        }
    }

    public func float(_ key: String, default value: Float) throws(ONNXError) -> Float {
        try float(key) ?? value
    }

    public func ints(_ key: String) throws(ONNXError) -> [Int]? {
        switch attributes[key] {
        case nil: return nil
        case .ints(let v): return v
        case let other?: throw attributeError(key, "expected INTS, got \(other.typeName)")
        }
    }

    public func floats(_ key: String) throws(ONNXError) -> [Float]? {
        switch attributes[key] {
        case nil: return nil
        case .floats(let v): return v
        case let other?: throw attributeError(key, "expected FLOATS, got \(other.typeName)")
        }
    }

    public func string(_ key: String) throws(ONNXError) -> String? {
        switch attributes[key] {
        case nil: return nil
        case .string(let v): return v
        case let other?: throw attributeError(key, "expected STRING, got \(other.typeName)")
        }
    }

    public func string(_ key: String, default value: String) throws(ONNXError) -> String {
        try string(key) ?? value
    }

    public func tensor(_ key: String) throws(ONNXError) -> Tensor? {
        switch attributes[key] {
        case nil: return nil
        case .tensor(let v): return v
        case let other?: throw attributeError(key, "expected TENSOR, got \(other.typeName)")
        }
    }
}
