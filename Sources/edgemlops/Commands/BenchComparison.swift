import Foundation

/// The `bench --compare` table: size, latency, speed-up, accuracy or agreement, cosine similarity,
/// each model against the first.
struct BenchComparison: Sendable {
    struct Row: Sendable {
        var model: String
        var sizeBytes: Int
        var medianMs: Double
        var p99Ms: Double
        /// Top-1 accuracy in percent over the labelled images, when there are labels.
        var top1: Double?
        /// Percent of inputs whose top-1 class equals the first model's.
        var agreement: Double = 100
        /// Mean cosine similarity of the first output to the first model's.
        var cosine: Double = 1
    }

    var rows: [Row]
    var samples: Int
    var isa: String
    var threads: Int

    var header: [String] { ["model", "size MB", "median ms", "p99 ms", "speed-up", "top-1 %", "agreement %", "cosine"] }

    var cells: [[String]] {
        let base = rows.first?.medianMs ?? 1
        return rows.map { row in
            [
                (row.model as NSString).lastPathComponent,
                String(format: "%.2f", Double(row.sizeBytes) / 1_048_576),
                String(format: "%.3f", row.medianMs),
                String(format: "%.3f", row.p99Ms),
                String(format: "%.2fx", row.medianMs > 0 ? base / row.medianMs : 0),
                row.top1.map { String(format: "%.2f", $0) } ?? "-",
                String(format: "%.2f", row.agreement),
                String(format: "%.5f", row.cosine),
            ]
        }
    }

    var text: String {
        let all = [header] + cells
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        let lines = all.map { row in
            row.enumerated().map { c, cell in c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[c] - cell.count) + cell }
                .joined(separator: "  ")
        }
        return (["\(samples) inputs, isa \(isa), \(threads) thread(s)"] + lines).joined(separator: "\n")
    }

    var markdown: String {
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + header.map { _ in "---" }.joined(separator: "|") + "|"]
        lines += cells.map { "| " + $0.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n") + "\n"
    }

    var csv: String {
        let plain = ["model", "size_bytes", "median_ms", "p99_ms", "speedup", "top1_percent", "agreement_percent", "cosine"]
        let base = rows.first?.medianMs ?? 1
        let body = rows.map { r in
            [r.model, "\(r.sizeBytes)", "\(r.medianMs)", "\(r.p99Ms)", "\(r.medianMs > 0 ? base / r.medianMs : 0)",
             r.top1.map { "\($0)" } ?? "", "\(r.agreement)", "\(r.cosine)"].joined(separator: ",")
        }
        return ([plain.joined(separator: ",")] + body).joined(separator: "\n") + "\n"
    }
}
