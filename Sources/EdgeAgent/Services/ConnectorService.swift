import EdgeCloud
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// The connector as a service. First in the group, so it stops last: after the pipelines and
/// flows have delivered their final messages it queues health `down`, waits for the outbox to
/// drain (bounded by `flushTimeout`), then disconnects.
public final class ConnectorService: Service, CustomStringConvertible {
    public let connector: Connector
    let flushTimeout: Duration
    let logger: Logger

    public var description: String { "connector" }

    public init(connector: Connector, flushTimeout: Duration = .seconds(5), logger: Logger) {
        self.connector = connector
        self.flushTimeout = flushTimeout
        self.logger = logger
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.connector.run() }
            // Returns on graceful shutdown, or throws when the group is cancelled.
            if (try? await gracefulShutdown()) != nil {
                await drain()
            }
            group.cancelAll()
        }
    }

    /// Queues health `down` (the will only covers a lost connection) and waits for the outbox to empty.
    func drain() async {
        do {
            try connector.publish(connector.model.healthDown(), priority: .state)
        } catch {
            logger.error("health down not queued", metadata: ["error": "\(error)"])
        }
        let clock = ContinuousClock()
        let deadline = clock.now + flushTimeout
        while connector.outbox.statistics.pendingMessages > 0 && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let pending = connector.outbox.statistics.pendingMessages
        if pending > 0 {
            logger.warning("outbox not empty at shutdown; kept for the next start", metadata: ["outbox.pending": "\(pending)"])
        } else {
            logger.info("outbox flushed")
        }
    }
}
