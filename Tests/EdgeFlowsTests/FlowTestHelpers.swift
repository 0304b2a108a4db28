@testable import EdgeFlows

/// Builds a flow from source and records every output with the virtual time it was produced.
final class FlowHarness {
    let flow: FlowInstance
    private(set) var outputs: [FlowOutput] = []
    private(set) var now: Double = 0
    private(set) var deadline: Double?

    init(_ source: String, path: String = "flows/test.lua", limits: LuaLimits = .flow, start: Double = 0) throws {
        flow = try FlowInstance(source: source, path: path, limits: limits, keepMessages: true)
        now = start
        record(try flow.start(now: start))
    }

    private func record(_ step: FlowStep) {
        outputs += step.outputs
        deadline = step.nextDeadline
    }

    func verdict(_ label: String, score: Double = 0.9, at time: Double? = nil, topic: String? = nil) throws {
        if let time { now = time }
        record(
            try flow.input(.verdict(label: label, score: score, model: "m", frame: ["id": 7], topic: topic), now: now)
        )
    }

    func send(_ input: FlowInput, at time: Double? = nil) throws {
        if let time { now = time }
        record(try flow.input(input, now: now))
    }

    /// Advances virtual time, firing timers on the way.
    func advance(to time: Double) throws {
        now = time
        record(try flow.tick(now: time))
    }

    func take() -> [FlowOutput] {
        defer { outputs.removeAll() }
        return outputs
    }

    /// The `fields[key]` of every output of `kind`, in order.
    func values(_ kind: FlowOutput.Kind, _ key: String) -> [LuaValue] {
        outputs.filter { $0.kind == kind }.map { $0.fields[key] ?? .nil }
    }
}
