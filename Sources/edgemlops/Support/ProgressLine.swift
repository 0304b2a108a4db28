#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress on standard error: on a terminal, one self-overwriting line updated at most
/// four times a second; otherwise (a log file, CI) a plain line every 10 seconds, so logs
/// stay readable and printing never costs more than the work it reports.
struct ProgressLine {
    let total: Int
    private(set) var done = 0
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastPrint: ContinuousClock.Instant
    private let isTerminal = isatty(2) != 0

    init(total: Int) {
        self.total = total
        self.start = clock.now
        self.lastPrint = start
    }

    mutating func advance() {
        done += 1
        let now = clock.now
        if now - lastPrint >= (isTerminal ? .milliseconds(250) : .seconds(10)) {
            lastPrint = now
            print(ending: isTerminal ? "" : "\n")
        }
    }

    mutating func finish(summary: String) {
        if isTerminal { print(ending: "\n") }
        Self.writeStandardError(summary + "\n")
    }

    private func print(ending: String) {
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let perItem = done > 0 ? seconds * 1000 / Double(done) : 0
        let percent = total > 0 ? done * 100 / total : 100
        let tenths = Int((perItem * 10).rounded())
        Self.writeStandardError((isTerminal ? "\r" : "") + "\(done)/\(total) (\(percent)%)  \(tenths / 10).\(tenths % 10) ms each" + ending)
    }

    /// Unbuffered, so the line appears at once; `write(2)` also avoids the global `stderr`.
    static func writeStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}
