/// A message entering a flow through a source node.
public struct FlowInput: Sendable, Hashable {
    public struct Source: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Reaches `verdict` nodes.
        public static let verdict = Source(rawValue: "verdict")
        /// Reaches `command` nodes.
        public static let command = Source(rawValue: "command")
    }

    public var source: Source
    /// The message table: `payload`, `topic`, `verdict`, `frame`...
    public var message: LuaValue

    public init(source: Source, message: LuaValue) {
        self.source = source
        self.message = message
    }

    /// An inference result: `payload` is the label, `verdict` holds the details.
    ///
    /// - Parameters:
    ///   - scores: per-class scores, when the model reports them.
    ///   - frame: frame metadata (`id`, `camera`, `width`, `height`, `time`...).
    public static func verdict(
        label: String,
        score: Double,
        scores: [String: Double] = [:],
        model: String? = nil,
        latencyMs: Double? = nil,
        frame: [String: LuaValue] = [:],
        topic: String? = nil
    ) -> FlowInput {
        var verdict: [LuaValue: LuaValue] = ["label": .string(label), "score": .number(score)]
        if !scores.isEmpty {
            verdict["scores"] = .table(
                Dictionary(uniqueKeysWithValues: scores.map { (.string($0.key), .number($0.value)) })
            )
        }
        if let model { verdict["model"] = .string(model) }
        if let latencyMs { verdict["latency_ms"] = .number(latencyMs) }
        var message: [LuaValue: LuaValue] = ["payload": .string(label), "verdict": .table(verdict)]
        if !frame.isEmpty {
            message["frame"] = .table(Dictionary(uniqueKeysWithValues: frame.map { (.string($0.key), $0.value) }))
        }
        if let topic { message["topic"] = .string(topic) }
        return FlowInput(source: .verdict, message: .table(message))
    }

    /// A command for this service: `topic` is its name, `payload` its argument.
    public static func command(_ name: String, payload: LuaValue = .nil) -> FlowInput {
        var message: [LuaValue: LuaValue] = ["topic": .string(name)]
        if payload != .nil { message["payload"] = payload }
        return FlowInput(source: .command, message: .table(message))
    }
}
