import Logging
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Runs every flow of a directory, each in its own Lua state on its own serial executor.
///
/// A flow that fails ``FlowPolicy/maxConsecutiveFailures`` times in a row is disabled and an
/// alarm goes through the sink; the others keep running. ``watch()`` reloads changed files:
/// the new version is built and validated in a fresh state, then swapped in; on error the old
/// version keeps running and the error (file:line) is logged and sent as an event.
public final class FlowEngine: Sendable {
    public let directory: String
    let sink: any FlowSink
    let clock: any FlowClock
    let policy: FlowPolicy
    let logger: Logger
    public let global: FlowGlobalContext
    private let workers = Mutex<[String: FlowWorker]>([:])
    /// The global context as last written, so an unchanged context is not rewritten.
    let savedGlobal = Mutex<String?>(nil)

    public init(
        directory: String,
        sink: any FlowSink,
        clock: any FlowClock = SystemFlowClock(),
        policy: FlowPolicy = FlowPolicy(),
        global: FlowGlobalContext = FlowGlobalContext(),
        logger: Logger
    ) {
        self.directory = directory
        self.sink = sink
        self.clock = clock
        self.policy = policy
        self.global = global
        self.logger = logger
    }

    /// Loads every `*.lua` file of the directory; returns the files that failed (they are reported too).
    @discardableResult
    public func loadAll() async -> [FlowError] {
        restoreGlobalContext()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var failures: [FlowError] = []
        for file in files.sorted() where file.hasSuffix(".lua") {
            do {
                try await load(directory + "/" + file)
            } catch {
                failures.append(error)
            }
        }
        return failures
    }

    /// Loads a flow file, or reloads it when it is already running.
    public func load(_ path: String) async throws(FlowError) {
        do throws(FlowError) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw FlowError(code: .io, message: "cannot read flow file", file: path)
            }
            let source = String(decoding: data, as: UTF8.self)
            if let running = workers.withLock({ $0[path] }) {
                try await running.reload(source: source)
                logger.info("flow reloaded", metadata: ["file": "\(path)"])
                return
            }
            let worker = try FlowWorker(
                path: path,
                source: source,
                sink: sink,
                clock: clock,
                policy: policy,
                global: global,
                logger: logger
            )
            workers.withLock { $0[path] = worker }
            await worker.start()
            let name = await worker.name
            logger.info("flow loaded", metadata: ["file": "\(path)", "flow": "\(name)"])
        } catch {
            report(error, path: path)
            throw error
        }
    }

    /// Stops a flow and forgets it (its file was deleted).
    public func unload(_ path: String) async {
        guard let worker = workers.withLock({ $0.removeValue(forKey: path) }) else { return }
        await worker.stop()
        logger.info("flow unloaded", metadata: ["file": "\(path)"])
    }

    /// Sends a message to every flow; returns at once (each flow queues it).
    public func deliver(_ input: FlowInput) {
        for worker in workers.withLock({ Array($0.values) }) { worker.enqueue(input) }
    }

    /// The state of every loaded flow, sorted by path.
    public func status() async -> [FlowStatus] {
        var result: [FlowStatus] = []
        for worker in workers.withLock({ Array($0.values) }) { result.append(await worker.status()) }
        return result.sorted { $0.path < $1.path }
    }

    /// Stops every flow (writing context one last time).
    public func stopAll() async {
        for worker in workers.withLock({ state in
            defer { state.removeAll() }; return Array(state.values)
        }) {
            await worker.stop()
        }
        flushGlobalContext()
    }

    /// Watches the directory with inotify and loads, reloads or unloads flows until cancelled.
    public func watch() async throws(FlowError) {
        let watcher = try FlowDirectoryWatcher(directory: directory)
        for await change in watcher.changes() {
            let path = directory + "/" + change.file
            switch change.kind {
            case .written: try? await load(path)
            case .removed: await unload(path)
            }
        }
    }

    /// Logs a load error and sends it as an event, so an integrator sees it without shell access.
    private func report(_ error: FlowError, path: String) {
        logger.error(
            "flow not loaded; the running version (if any) is kept",
            metadata: ["file": "\(path)", "error": "\(error)"]
        )
        sink.deliver(
            FlowOutput(
                kind: .event,
                flow: path,
                node: "",
                time: clock.now(),
                fields: .record([
                    "type": "flow_load_error",
                    "text": .string(error.description),
                    "file": .string(error.file ?? path),
                    "line": error.line.map { .integer(Int64($0)) } ?? .nil,
                ])
            )
        )
    }
}
