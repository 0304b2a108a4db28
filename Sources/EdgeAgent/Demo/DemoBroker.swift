import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The demo's private mosquitto on a free loopback port, started and stopped with the demo so
/// it never touches a broker the machine already runs. (The product's own copy of what
/// EdgeTestSupport's `MosquittoBroker` does for tests: the product must not link test support.)
public final class DemoBroker: @unchecked Sendable {
    // @unchecked: `process` is set in init and read by stop(), both from the demo's one task.
    public let host = "127.0.0.1"
    public let port: Int
    public let directory: String
    private let process: Process

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts mosquitto; throws a message saying how to install it when it is missing.
    public init(directory: String) throws {
        guard let executable = Self.executable() else {
            throw Failure(
                description: "mosquitto is not installed: `sudo apt-get install mosquitto` (or packaging/install-deps.sh), or use --broker HOST:PORT")
        }
        self.port = try Self.freePort()
        self.directory = directory
        let configuration = directory + "/mosquitto.conf"
        let text = """
            listener \(port) 127.0.0.1
            allow_anonymous true
            persistence false
            log_dest file \(directory)/mosquitto.log
            \(geteuid() == 0 ? "user root" : "")

            """
        try text.write(toFile: configuration, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", configuration]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilListening()
    }

    deinit { stop() }

    public func stop() {
        // Plain kill + waitpid: Foundation's waitUntilExit spins a run loop the async demo does not run.
        let pid = process.processIdentifier
        guard pid > 0, Glibc.kill(pid, 0) == 0 else { return }
        // SIGKILL, not SIGTERM: the child inherits a signal mask with SIGTERM blocked (seen from
        // /proc/<pid>/status after the service group took over signals), and this broker has no
        // persistence to save.
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    /// `mosquitto` on PATH, else Debian's /usr/sbin.
    public static func executable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"] {
            let candidate = directory + "/mosquitto"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A port the kernel just handed out on 127.0.0.1.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(descriptor) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "no free loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private func waitUntilListening() throws {
        for _ in 0..<100 {
            guard process.isRunning else {
                let log = (try? String(contentsOfFile: directory + "/mosquitto.log", encoding: .utf8)) ?? ""
                throw Failure(description: "mosquitto exited at start: \(log.suffix(300))")
            }
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: UInt16(port))
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(descriptor)
            if connected { return }
            usleep(50_000)
        }
        throw Failure(description: "mosquitto did not listen on 127.0.0.1:\(port) within 5 s")
    }
}
