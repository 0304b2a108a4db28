import ArgumentParser
import EdgeAgent
import EdgeCloud
import Foundation
import Logging
import Synchronization

/// Set when the agent's task has returned, so the view loop stops without awaiting it.
final class DoneFlag: Sendable {
    let flag = Atomic<Bool>(false)
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the inspection line demo: synthetic camera, bundled model, example flows, private broker, live view.",
        discussion: """
            No configuration needed. Starts a private mosquitto on a free loopback port (unless --broker),
            runs the agent with the synthetic inspection line, the bundled inspect-cls model (int8 when
            present) and the example flows, and shows frames/s, latency, verdicts, active alarms and the
            last messages on te/. Logs go to <state>/demo.log.
            """
    )

    @Option(help: "Stop after this many seconds (default: run until Ctrl-C).")
    var duration: Int?

    @Option(help: "Use a V4L2 camera (e.g. /dev/video0) instead of the synthetic line.")
    var camera: String?

    @Option(help: "Use an existing broker HOST:PORT instead of a private mosquitto.")
    var broker: BrokerAddress?

    @Option(help: "Model name or .onnx path (default: inspect-cls).")
    var model = "inspect-cls"

    func validate() throws {
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive (got \(duration))") }
        if let camera, !camera.hasPrefix("/dev/") { throw ValidationError("--camera takes a device such as /dev/video0 (got \(camera))") }
    }

    func run() async throws {
        let environment = ProcessEnvironment.current
        let state = environment["EDGEMLOPS_STATE_DIR"] ?? NSTemporaryDirectory() + "edgemlops-demo-\(getpid())"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let executable = AgentRuntime.executablePath()
        guard let flows = Self.flowsDirectory(executable: executable) else {
            throw CommandFailure("example flows not found (looked in the checkout's flows/, /etc/edgemlops/flows, /usr/share/edgemlops/flows)")
        }
        var privateBroker: DemoBroker?
        let address: BrokerAddress
        if let broker {
            address = broker
        } else {
            do {
                privateBroker = try DemoBroker(directory: state)
            } catch {
                throw CommandFailure("\(error)")
            }
            address = BrokerAddress(host: "127.0.0.1", port: privateBroker!.port)
        }
        defer { privateBroker?.stop() }

        var locator = ModelLocator.standard(stateDirectory: state, executablePath: executable)
        let cache = environment["EDGEMLOPS_CACHE"] ?? (environment["HOME"] ?? "/root") + "/.cache/edgemlops"
        locator.searchDirectories.append(cache + "/models")
        let modelPath: String
        do {
            modelPath = try locator.locate(model)
        } catch {
            throw CommandFailure("\(error)\nTrain it with models/train.sh, or pass --model PATH.onnx")
        }
        let pipeline = PipelineConfiguration(
            name: "line1", camera: camera.map { .device($0) } ?? .synthetic, width: camera == nil ? 128 : 640,
            height: camera == nil ? 128 : 480, fps: 15, model: modelPath, threads: 1, flowsDirectory: flows)
        let configuration = AgentConfiguration(
            device: DeviceSettings(), broker: BrokerSettings(host: address.host, port: address.port),
            stateDirectory: state, outbox: OutboxSettings(path: state + "/outbox.sqlite"),
            monitoring: MonitoringSettings(intervalSeconds: 5), samples: SampleSettings(directory: state + "/samples"),
            lifecycle: LifecycleSettings(), pipelines: [pipeline])

        // Logs would tear the live view: they go to a file.
        let logPath = state + "/demo.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let logHandle = FileHandle(forWritingAtPath: logPath)
        var logger = Logger(label: "edgemlops.demo") { label in
            logHandle.map { FileLogHandler(label: label, handle: $0) } ?? SwiftLogNoOpLogHandler() as any LogHandler
        }
        logger.logLevel = .info
        let runtime: AgentRuntime
        do {
            runtime = try AgentRuntime(
                configuration: configuration, configurationPath: nil, environment: environment, logger: logger)
        } catch {
            throw CommandFailure("\(error)")
        }
        let view = DemoView()
        let observer = try MQTTClient(
            configuration: MQTTConfiguration(host: address.host, port: address.port, clientID: "edgemlops-demo-view-\(getpid())"),
            logger: logger)
        try await observer.connect()
        let subscription = try await observer.subscribe("te/#")
        let watcher = Task { for await message in subscription { view.observe(message) } }
        defer {
            watcher.cancel()
            observer.disconnect()
        }

        let done = DoneFlag()
        let running = Task {
            defer { done.flag.store(true, ordering: .releasing) }
            try await runtime.run()
        }
        let isTerminal = isatty(STDOUT_FILENO) == 1
        let start = ContinuousClock.now
        var lastInferred = runtime.pipelines.map { $0.statistics.inferred }
        var lastTime = start
        var lastPlain = start
        var fps = runtime.pipelines.map { _ in 0.0 }
        var stopping = false
        while true {
            try? await Task.sleep(for: .milliseconds(250))
            let now = ContinuousClock.now
            let elapsed = Self.seconds(now - start)
            let statistics = runtime.pipelines.map(\.statistics)
            let interval = Self.seconds(now - lastTime)
            if interval >= 1 {
                fps = zip(statistics, lastInferred).map { Double($0.inferred - $1) / interval }
                lastInferred = statistics.map(\.inferred)
                lastTime = now
            }
            if isTerminal {
                print(view.screen(statistics, fps: fps, elapsedSeconds: elapsed, broker: "\(address.host):\(address.port)"), terminator: "")
            } else if Self.seconds(now - lastPlain) >= 1 {
                print(view.line(statistics, fps: fps, elapsedSeconds: elapsed))
                lastPlain = now
            }
            fflush(nil)  // all streams: print() buffers when stdout is a pipe
            if let duration, elapsed >= Double(duration), !stopping {
                stopping = true
                await runtime.shutdown()
            }
            if done.flag.load(ordering: .acquiring) { break }
        }
        try await running.value
        let final = runtime.pipelines.map(\.statistics)
        print(view.line(final, fps: fps, elapsedSeconds: Self.seconds(ContinuousClock.now - start)))
        print("demo stopped; state and log in \(state)")
        fflush(nil)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The example flows: the checkout's (next to .build), the installed conffiles, the packaged copy.
    static func flowsDirectory(executable: String?) -> String? {
        var candidates: [String] = []
        if let root = ModelLocator.checkoutRoot(executablePath: executable) { candidates.append(root + "/flows") }
        candidates += ["/etc/edgemlops/flows", "/usr/share/edgemlops/flows"]
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/defect_rate_alarm.lua") }
    }
}
