import EdgeAgent
import EdgeTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("systemd notifications")
struct SystemdNotifierTests {
    /// A bound datagram socket standing in for systemd's notify socket.
    final class Receiver {
        let descriptor: Int32
        init(path: String) throws {
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            try #require(descriptor >= 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            try #require(result == 0)
        }
        deinit { close(descriptor) }
        func receive() -> String {
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : "<nothing>"
        }
    }

    @Test("READY, WATCHDOG, STOPPING arrive as datagrams on $NOTIFY_SOCKET")
    func sends() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/notify"
        let receiver = try Receiver(path: path)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path])
        #expect(notifier.ready(status: "2 pipelines"))
        #expect(receiver.receive() == "READY=1\nSTATUS=2 pipelines")
        #expect(notifier.watchdog())
        #expect(receiver.receive() == "WATCHDOG=1")
        #expect(notifier.stopping())
        #expect(receiver.receive() == "STOPPING=1")
        #expect(notifier.stopping(watchdogDuringStop: .seconds(90)))
        #expect(receiver.receive() == "STOPPING=1\nWATCHDOG_USEC=90000000\nWATCHDOG=1")
    }

    @Test("Without NOTIFY_SOCKET every call is a no-op")
    func disabled() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(!notifier.ready())
    }

    @Test("A socket nobody listens on fails softly")
    func noListener() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        #expect(!SystemdNotifier(socketPath: directory.path + "/absent").watchdog())
    }

    @Test("Watchdog interval is half of WATCHDOG_USEC and only for our pid")
    func watchdogInterval() {
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "20000000"], pid: 5) == .seconds(10))
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "6"], pid: 5) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "x"], pid: 5) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: [:], pid: 5) == nil)
    }
}
