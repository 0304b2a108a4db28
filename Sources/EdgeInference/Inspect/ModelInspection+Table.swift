/// The human-readable report printed by `edgemlops model inspect`.
extension ModelInspection {
    public func table(title: String) -> String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) { lines.append(label.padding(to: 14) + value) }
        row("Model", title)
        row(
            "Producer",
            (producer.isEmpty ? "?" : producer) + ", IR version \(irVersion)"
                + (graphName.isEmpty ? "" : ", graph '\(graphName)'")
        )
        row("Opsets", opsets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        var q = quantization.scheme
        if let g = quantization.granularity { q += ", \(g)" }
        if let a = quantization.activationType { q += ", activations \(a)" }
        if let w = quantization.weightType { q += ", weights \(w)" }
        row("Quantization", q)
        row("Parameters", "\(Self.grouped(parameterCount)) in initializers, \(Self.bytes(parameterBytes))")
        lines.append("")
        lines += Self.valueTable("Inputs", inputs)
        let outputRows = inferredOutputs ?? outputs
        lines += Self.valueTable(inferredOutputs == nil ? "Outputs (declared)" : "Outputs (inferred)", outputRows)
        if let shapeInferenceError { lines.append("  shape inference: \(shapeInferenceError)") }
        lines.append("")
        lines.append("Operators (\(nodeCount) nodes)")
        let width = max(10, operators.keys.map(\.count).max() ?? 0) + 2
        for (op, n) in operators.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            lines.append("  " + op.padding(to: width) + String(n).leftPadding(to: 5))
        }
        if !metadata.isEmpty {
            lines.append("")
            lines.append("Metadata")
            let keyWidth = (metadata.keys.map(\.count).max() ?? 0) + 2
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
                let shown = value.count > 100 ? String(value.prefix(97)) + "..." : value
                lines.append("  " + key.padding(to: keyWidth) + shown.replacingNewlines())
            }
        }
        return lines.joined(separator: "\n")
    }

    static func valueTable(_ title: String, _ values: [Value]) -> [String] {
        var lines = [title]
        let nameWidth = max(6, values.map(\.name.count).max() ?? 0) + 2
        for v in values {
            let shape = v.shape.map { "[" + $0.joined(separator: ", ") + "]" } ?? "[?]"
            lines.append("  " + v.name.padding(to: nameWidth) + v.elementType.padding(to: 9) + shape)
        }
        return lines
    }

    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    static func bytes(_ n: Int) -> String {
        if n < 1024 { return "\(n) B" }
        let units = ["KiB", "MiB", "GiB"]
        var value = Double(n) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }

    func leftPadding(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    func replacingNewlines() -> String {
        String(map { $0.isNewline ? " " : $0 })
    }
}
