import EdgeCloud
import Foundation
import Synchronization

/// The demo's live terminal view: what the line does (from the pipelines) and what reaches the
/// broker (from a `te/#` subscription). Rendered as an ANSI screen on a terminal, or as one
/// plain line per refresh when stdout is a pipe or a file.
public final class DemoView: Sendable {
    struct State {
        var lastMessages: [(topic: String, payload: String)] = []
        /// Alarm topic → text, while raised (a retained empty payload clears it).
        var activeAlarms: [String: String] = [:]
        var messageCount = 0
    }

    let state = Mutex(State())
    let keep: Int

    public init(keep: Int = 8) {
        self.keep = keep
    }

    /// Records one message seen on `te/`.
    public func observe(_ message: MQTTMessage) {
        let payload = String(decoding: message.payload, as: UTF8.self)
        state.withLock { state in
            state.messageCount += 1
            if message.topic.contains("/a/") {
                if payload.isEmpty {
                    state.activeAlarms.removeValue(forKey: message.topic)
                } else {
                    state.activeAlarms[message.topic] = Self.field("text", in: payload) ?? payload
                }
            }
            state.lastMessages.append((message.topic, payload))
            if state.lastMessages.count > keep { state.lastMessages.removeFirst(state.lastMessages.count - keep) }
        }
    }

    public var activeAlarmCount: Int { state.withLock { $0.activeAlarms.count } }
    public var messageCount: Int { state.withLock { $0.messageCount } }

    /// The full-screen view.
    public func screen(_ pipelines: [PipelineStatistics], fps: [Double], elapsedSeconds: Double, broker: String, width: Int = 100) -> String {
        let snapshot = state.withLock { ($0.lastMessages, $0.activeAlarms) }
        var lines = ["\u{1B}[1mEdgeMLOps demo\u{1B}[0m  broker \(broker)  \(Int(elapsedSeconds)) s  (Ctrl-C stops)", ""]
        for (index, statistics) in pipelines.enumerated() {
            lines.append("\u{1B}[1m\(statistics.name)\u{1B}[0m  " + Self.summary(statistics, fps: index < fps.count ? fps[index] : 0))
            let verdicts = statistics.verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "  ")
            lines.append("  verdicts: " + (verdicts.isEmpty ? "-" : verdicts))
        }
        lines.append("")
        lines.append("\u{1B}[1mactive alarms\u{1B}[0m (\(snapshot.1.count))")
        for (topic, text) in snapshot.1.sorted(by: { $0.key < $1.key }) {
            lines.append("  \u{1B}[31m\(Self.clip(Self.lastLevel(topic) + ": " + text, width - 2))\u{1B}[0m")
        }
        lines.append("")
        lines.append("\u{1B}[1mlast messages on te/\u{1B}[0m")
        for message in snapshot.0 {
            lines.append("  " + Self.clip(message.topic + " " + (message.payload.isEmpty ? "(cleared)" : message.payload), width - 2))
        }
        return "\u{1B}[H\u{1B}[2J" + lines.joined(separator: "\n") + "\n"
    }

    /// One line for logs and pipes.
    public func line(_ pipelines: [PipelineStatistics], fps: [Double], elapsedSeconds: Double) -> String {
        let parts = pipelines.enumerated().map { index, statistics in
            "\(statistics.name): " + Self.summary(statistics, fps: index < fps.count ? fps[index] : 0)
                + " verdicts " + statistics.verdicts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
        let alarms = state.withLock { $0.activeAlarms.keys.map(Self.lastLevel).sorted() }
        return "[\(Int(elapsedSeconds))s] " + parts.joined(separator: " | ") + " | alarms: "
            + (alarms.isEmpty ? "none" : alarms.joined(separator: ",")) + " | te/ messages: \(messageCount)"
    }

    static func summary(_ statistics: PipelineStatistics, fps: Double) -> String {
        let p50 = statistics.latency.percentile(50).map { String(format1: $0) } ?? "-"
        let p99 = statistics.latency.percentile(99).map { String(format1: $0) } ?? "-"
        return "\(String(format1: fps)) frames/s  latency p50 \(p50) ms p99 \(p99) ms  inferred \(statistics.inferred)  dropped \(statistics.dropped)"
    }

    static func lastLevel(_ topic: String) -> String { topic.split(separator: "/").last.map(String.init) ?? topic }

    static func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(width - 1, 0))) + "…"
    }

    /// A string field of a flat JSON object, enough for alarm texts.
    static func field(_ name: String, in json: String) -> String? {
        guard let range = json.range(of: "\"\(name)\":\"") else { return nil }
        var result = ""
        var escaped = false
        for character in json[range.upperBound...] {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return result
            } else {
                result.append(character)
            }
        }
        return nil
    }
}

extension String {
    /// One decimal, without Foundation's `String(format:)`.
    init(format1 value: Double) {
        guard value.isFinite else {
            self = "-"
            return
        }
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(abs(tenths % 10))"
    }
}
