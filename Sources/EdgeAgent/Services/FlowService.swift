import EdgeFlows
import Logging
import ServiceLifecycle

/// A flow engine as a service: loads every flow of its directory, then reloads changed files
/// (inotify) until shutdown, when the flows stop and write their context one last time.
public final class FlowService: Service, CustomStringConvertible {
    public let engine: FlowEngine
    let logger: Logger

    public var description: String { "flows \(engine.directory)" }

    public init(engine: FlowEngine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    /// Loads the flows; called before the pipelines start so that no verdict is missed.
    public func load() async -> [FlowError] {
        let failures = await engine.loadAll()
        let running = await engine.status().count
        logger.info("flows loaded", metadata: ["flows.directory": "\(engine.directory)", "flows.running": "\(running)", "flows.failed": "\(failures.count)"])
        return failures
    }

    /// SIGHUP: reload every file (a failing file keeps its running version).
    public func reload() async {
        _ = await load()
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await self.engine.watch()
                } catch {
                    self.logger.warning("flow hot reload unavailable", metadata: ["error": "\(error)"])
                }
            }
            _ = try? await gracefulShutdown()
            group.cancelAll()
        }
        await engine.stopAll()
    }
}
