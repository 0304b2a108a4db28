import Testing

/// A shape paired with a quantization setup.
struct QCase: Sendable, CustomTestStringConvertible {
    var c: ConvCase
    var q: QuantConfig
    var testDescription: String { "\(c.testDescription) \(q)" }
}

func cross(_ shapes: [ConvCase], _ configs: [QuantConfig]) -> [QCase] {
    shapes.flatMap { c in configs.map { QCase(c: c, q: $0) } }
}
