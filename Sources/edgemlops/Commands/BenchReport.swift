import Foundation

/// What `edgemlops bench` prints: the JSON object of `--json`, or a text summary.
struct BenchReport: Encodable {
    struct OpTime: Encodable {
        var op: String
        var steps: Int
        var totalMs: Double
        var percent: Double

        enum CodingKeys: String, CodingKey {
            case op, steps, percent
            case totalMs = "total_ms"
        }
    }

    var model: String
    var isa: String
    var threads: Int
    var runs: Int
    var warmup: Int
    var inputs: [String: [Int]]
    var loadMs: Double
    var meanMs: Double
    var medianMs: Double
    var p90Ms: Double
    var p99Ms: Double
    var minMs: Double
    var maxMs: Double
    var throughputPerSecond: Double
    var peakRSSMegabytes: Double
    var arenaBytes: Int
    var constantBytes: Int
    var profile: [OpTime]?

    enum CodingKeys: String, CodingKey {
        case model, isa, threads, runs, warmup, inputs, profile
        case loadMs = "load_ms"
        case meanMs = "mean_ms"
        case medianMs = "median_ms"
        case p90Ms = "p90_ms"
        case p99Ms = "p99_ms"
        case minMs = "min_ms"
        case maxMs = "max_ms"
        case throughputPerSecond = "throughput_per_s"
        case peakRSSMegabytes = "peak_rss_mb"
        case arenaBytes = "arena_bytes"
        case constantBytes = "constant_bytes"
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    var text: String {
        var lines = [
            "model       \(model)",
            "isa         \(isa), \(threads) thread\(threads == 1 ? "" : "s")",
            "inputs      " + inputs.keys.sorted().map { "\($0) \(inputs[$0]!)" }.joined(separator: ", "),
            "runs        \(runs) timed after \(warmup) warm-up",
            "latency     median \(Self.ms(medianMs))  p90 \(Self.ms(p90Ms))  p99 \(Self.ms(p99Ms))  "
                + "min \(Self.ms(minMs))  max \(Self.ms(maxMs))",
            "throughput  \(String(format: "%.1f", throughputPerSecond)) inferences/s",
            "peak RSS    \(String(format: "%.1f", peakRSSMegabytes)) MB (arena \(arenaBytes / 1024) KiB, "
                + "constants \(constantBytes / 1024) KiB)",
            "load        \(Self.ms(loadMs))",
        ]
        if let profile {
            var table = TextTable("op as run", "steps", "ms/run", "%")
            for row in profile {
                table.add(row.op, "\(row.steps)", String(format: "%.3f", row.totalMs), String(format: "%.1f", row.percent))
            }
            lines.append("")
            lines.append(table.render())
        }
        return lines.joined(separator: "\n")
    }

    static func ms(_ value: Double) -> String { String(format: "%.3f ms", value) }
}
