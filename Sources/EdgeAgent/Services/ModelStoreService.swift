import Dispatch
import EdgeOps
import Logging
import ServiceLifecycle

/// Follows the model store for the store models the pipelines serve: every `interval` each
/// ``EdgeOps/ModelHost`` compares the store's `active` version with the one serving and swaps
/// in a version the sm-plugin activated (``EdgeOps/ModelHost/followStore()``). The sm-plugin
/// runs in thin-edge's process tree, not in the agent, so this is how an over-the-air install
/// reaches the running pipelines. Compiling a model takes a while: it runs on a queue of its
/// own, never on the cooperative pool.
public final class ModelStoreService: Service, CustomStringConvertible {
    let hosts: @Sendable () -> [ModelHost]
    let interval: Duration
    let logger: Logger

    public var description: String { "model store" }

    public init(hosts: @escaping @Sendable () -> [ModelHost], interval: Duration, logger: Logger) {
        self.hosts = hosts
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let queue = DispatchQueue(label: "model-store")
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.interval)
                var seen: [ObjectIdentifier] = []
                for host in self.hosts() where !seen.contains(ObjectIdentifier(host)) {
                    seen.append(ObjectIdentifier(host))
                    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                        queue.async {
                            self.follow(host)
                            done.resume()
                        }
                    }
                }
            }
        }
    }

    func follow(_ host: ModelHost) {
        do {
            try host.followStore()
        } catch {
            // ModelHost logged it with the reason, and published the rollback when it made one.
            logger.debug("store not followed", metadata: ["model": "\(host.name)", "error": "\(error)"])
        }
    }
}
