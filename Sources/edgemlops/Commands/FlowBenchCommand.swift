import ArgumentParser
import EdgeFlows
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `edgemlops flow bench FILE`: messages per second and per-message latency of one flow,
/// measured around FlowInstance.input (Swift → Lua → outputs back in Swift) on one thread.
struct FlowBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure messages/s and median/p99 µs per message through a flow."
    )

    @Argument(help: "The flow file (for example Benchmarks/flows/six_nodes.lua).")
    var file: String

    @Option(name: .long, help: "Messages to time (after 10% warm-up).")
    var messages = 100_000

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            print("\(file): cannot read the file")
            throw ExitCode(2)
        }
        let flow: FlowInstance
        do {
            flow = try FlowInstance(source: String(decoding: data, as: UTF8.self), path: file)
            _ = try flow.start(now: 0)
        } catch {
            print(error)
            throw ExitCode(2)
        }
        let labels = ["ok", "ok", "ok", "scratch", "ok", "dent", "ok", "ok"]
        let inputs = (0..<64).map { i in
            FlowInput.verdict(
                label: labels[i % labels.count],
                score: 0.5 + Double(i % 50) / 100,
                model: "defect-int8",
                latencyMs: 4.2,
                frame: ["id": .integer(Int64(i)), "camera": "cam0"]
            )
        }
        var outputs = 0
        var errors = 0
        func once(_ i: Int) -> UInt64 {
            let start = Self.nanoseconds()
            do {
                let step = try flow.input(inputs[i % inputs.count], now: Double(i) * 0.01)
                outputs += step.outputs.count
                errors += step.errors.count
            } catch {
                errors += 1
            }
            return Self.nanoseconds() - start
        }
        for i in 0..<max(1, messages / 10) { _ = once(i) }
        outputs = 0
        errors = 0
        var samples = [UInt64]()
        samples.reserveCapacity(messages)
        let begin = Self.nanoseconds()
        for i in 0..<messages { samples.append(once(i)) }
        let total = Double(Self.nanoseconds() - begin) / 1e9
        samples.sort()
        let median = Double(samples[samples.count / 2]) / 1000
        let p99 = Double(samples[min(samples.count - 1, samples.count * 99 / 100)]) / 1000
        print("flow: \(flow.name) (\(file))")
        print("messages: \(messages), outputs: \(outputs), errors: \(errors), memory: \(flow.memoryInUse) bytes")
        print(String(format: "throughput: %.0f messages/s", Double(messages) / total))
        print(String(format: "latency: median %.2f µs, p99 %.2f µs", median, p99))
    }

    static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
