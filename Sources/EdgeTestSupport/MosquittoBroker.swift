import Foundation

/// A private mosquitto broker on a free loopback port, for integration tests.
///
/// Each broker gets its own directory (config, log, persistence). `stop()` ends it
/// gracefully, `kill()` with SIGKILL, and `start()` brings it back on the same port.
public final class MosquittoBroker: @unchecked Sendable {
    // @unchecked: mutable fields are touched only from the test that owns the broker.
    public let port: Int
    public let directory: URL
    public let host = "127.0.0.1"
    private var process: ChildProcess?
    private let extraConfiguration: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts a broker. `configuration` lines are appended to the generated config (TLS listeners, say).
    public init(configuration: String = "", persistence: Bool = false) throws {
        self.port = try Self.freePort()
        self.directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("edgemlops-mosquitto-\(port)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lines = configuration
        if persistence {
            lines += "\npersistence true\npersistence_location \(directory.path)/\n"
        }
        self.extraConfiguration = lines
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The `mosquitto` executable: PATH first, then Debian's /usr/sbin.
    public static func executable() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"] {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent("mosquitto")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Failure(description: "mosquitto not found: run packaging/install-deps.sh (Debian package 'mosquitto')")
    }

    public func start() throws {
        guard process == nil else { return }
        let config = directory.appendingPathComponent("mosquitto.conf")
        let text = """
            listener \(port) \(host)
            allow_anonymous true
            log_dest file \(directory.path)/mosquitto.log
            log_type error
            log_type warning
            log_type notice
            \(geteuid() == 0 ? "user root" : "")
            \(extraConfiguration)
            """
        try text.write(to: config, atomically: true, encoding: .utf8)
        self.process = try ChildProcess(
            executable: try Self.executable().path,
            arguments: ["-c", config.path],
            outputPath: directory.appendingPathComponent("stdout.log").path
        )
        try waitUntilListening()
    }

    /// Stops the broker with SIGTERM (it saves persistence and says goodbye).
    public func stop() {
        guard let process else { return }
        process.signal(SIGTERM)
        process.wait()
        self.process = nil
    }

    /// Kills the broker with SIGKILL, as a crash or power loss would.
    public func kill() {
        guard let process else { return }
        process.signal(SIGKILL)
        process.wait()
        self.process = nil
    }

    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
    }

    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.canConnect(host: host, port: port) { return }
            if let process, !process.isRunning {
                throw Failure(description: "mosquitto exited with status \(process.wait()): \(log)")
            }
            usleep(20_000)
        }
        throw Failure(description: "mosquitto did not listen on \(host):\(port) within 10 s: \(log)")
    }

    /// A port the kernel just handed out for a listening socket, then released.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw Failure(description: "bind() failed: errno \(errno)") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(host: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(host)
        address.sin_port = UInt16(port).bigEndian
        return withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
