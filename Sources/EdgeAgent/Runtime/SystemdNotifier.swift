#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// systemd's notification protocol (`sd_notify(3)`) without libsystemd: one datagram of
/// `KEY=VALUE` lines to the unix socket named by `$NOTIFY_SOCKET`. With no socket (not run by
/// systemd, or `Type=simple`) every call is a no-op, so the agent calls it unconditionally.
public struct SystemdNotifier: Sendable {
    /// The socket path; a leading `@` names an abstract socket (Linux).
    public let socketPath: String?

    public init(environment: [String: String]) {
        let path = environment["NOTIFY_SOCKET"]
        self.socketPath = (path?.isEmpty ?? true) ? nil : path
    }

    public init(socketPath: String?) {
        self.socketPath = socketPath
    }

    public var isEnabled: Bool { socketPath != nil }

    /// `READY=1`: startup finished (connector up, pipelines running).
    @discardableResult public func ready(status: String? = nil) -> Bool {
        send(status.map { "READY=1\nSTATUS=\($0)" } ?? "READY=1")
    }

    /// `WATCHDOG=1`: the main loop is alive; sent at half of `$WATCHDOG_USEC`.
    @discardableResult public func watchdog() -> Bool { send("WATCHDOG=1") }

    /// `STOPPING=1`: graceful shutdown began. With `watchdogDuringStop`, also `WATCHDOG_USEC`
    /// and a last `WATCHDOG=1`: systemd keeps enforcing the watchdog while a unit stops, and
    /// the pings end here, so a drain longer than `WatchdogSec` (a frame in a slow model, the
    /// outbox flush) would end in SIGABRT. The stop is bounded by `TimeoutStopSec` instead.
    @discardableResult public func stopping(watchdogDuringStop: Duration? = nil) -> Bool {
        guard let watchdogDuringStop else { return send("STOPPING=1") }
        let (seconds, attoseconds) = watchdogDuringStop.components
        let microseconds = max(seconds, 0) * 1_000_000 + attoseconds / 1_000_000_000_000
        return send("STOPPING=1\nWATCHDOG_USEC=\(microseconds)\nWATCHDOG=1")
    }

    /// `RELOADING=1`: SIGHUP handling began; `ready()` ends it.
    @discardableResult public func reloading() -> Bool { send("RELOADING=1") }

    /// Sends one notification; false when there is no socket or sending failed (never fatal:
    /// a lost notification must not stop the inspection line).
    @discardableResult public func send(_ message: String) -> Bool {
        guard let socketPath else { return false }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, bytes, bytes.count, 0, socketAddress, length)
            }
        }
        return sent == bytes.count
    }

    /// Half of `$WATCHDOG_USEC` (systemd's advice), or nil when the watchdog is off or
    /// `$WATCHDOG_PID` names another process.
    public static func watchdogInterval(environment: [String: String], pid: Int32 = getpid()) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], Int32(owner) != pid { return nil }
        return .microseconds(microseconds / 2)
    }
}
