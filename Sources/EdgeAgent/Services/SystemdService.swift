import Logging
import ServiceLifecycle

/// systemd integration: `READY=1` once the other services are started, `WATCHDOG=1` at half
/// the unit's `WatchdogSec`, `STOPPING=1` when graceful shutdown begins.
///
/// The watchdog ping is only sent while `isHealthy()` holds (the pipelines still make
/// progress), so a stuck agent is restarted by systemd rather than kept alive by a timer.
public final class SystemdService: Service, CustomStringConvertible {
    let notifier: SystemdNotifier
    let watchdogInterval: Duration?
    let status: @Sendable () -> String
    let isHealthy: @Sendable () -> Bool

    public var description: String { "systemd" }

    /// The watchdog while stopping: as long as systemd's default `TimeoutStopSec`, which then
    /// bounds the stop.
    static let stopWatchdog = Duration.seconds(90)

    public init(
        notifier: SystemdNotifier, watchdogInterval: Duration?, status: @escaping @Sendable () -> String,
        isHealthy: @escaping @Sendable () -> Bool
    ) {
        self.notifier = notifier
        self.watchdogInterval = watchdogInterval
        self.status = status
        self.isHealthy = isHealthy
    }

    public func run() async throws {
        notifier.ready(status: status())
        await withGracefulShutdownHandler {
            guard let watchdogInterval else {
                _ = try? await gracefulShutdown()
                return
            }
            while (try? await Task.sleep(for: watchdogInterval)) != nil, !Task.isShuttingDownGracefully {
                if isHealthy() { notifier.watchdog() }
            }
        } onGracefulShutdown: {
            // The pings stop with the loop above: give the drain its own watchdog budget.
            self.notifier.stopping(watchdogDuringStop: self.watchdogInterval.map { _ in Self.stopWatchdog })
        }
    }
}
