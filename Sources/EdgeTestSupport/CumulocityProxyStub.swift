import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny HTTP/1.1 server on a free loopback port standing in for thin-edge's Cumulocity proxy:
/// `POST /c8y/event/events` answers `201 {"id":"<n>"}` (chunked, to exercise that path) and
/// `POST /c8y/event/events/<id>/binaries` answers `201` (with Content-Length),
/// `GET /c8y/identity/externalIds/c8y_Serial/<xid>` answers managed object ``managedObjectID``
/// for ``knownExternalID`` and 404 for any other. Failures are
/// injected per request: a status code to answer instead, or a stall (no answer until the
/// client gives up). Everything received is recorded for assertions.
public final class CumulocityProxyStub: @unchecked Sendable {
    // @unchecked: mutable state is guarded by `lock`.
    public struct Request: Sendable, Equatable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: [UInt8]
    }

    /// What to do with the next request instead of serving it.
    public enum Fault: Sendable, Equatable {
        /// Serve this request normally (to place a fault on a later one).
        case pass
        case status(Int)
        case stall
    }

    public let port: Int
    /// The device the identity API knows, and its managed object id.
    public static let knownExternalID = "edge-pi-01"
    public static let managedObjectID = "4711"
    private let listener: Int32
    private let lock = NSLock()
    private var faults: [Fault] = []
    private var received: [Request] = []
    private var nextEventID = 100
    private var stalled: [Int32] = []
    private var thread: Thread?

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MosquittoBroker.Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw MosquittoBroker.Failure(description: "bind/listen: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [unowned self] in self.serve() }
        self.thread = thread
        thread.start()
    }

    deinit { stop() }

    /// Stops accepting; stalled connections are closed.
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        lock.lock()
        for fd in stalled { close(fd) }
        stalled = []
        lock.unlock()
    }

    /// Queues faults for the next requests, in order.
    public func inject(_ faults: Fault...) {
        lock.lock()
        self.faults += faults
        lock.unlock()
    }

    public var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Event bodies (decoded JSON) that were answered with 201.
    public var events: [[String: Any]] {
        requests.filter { $0.path == "/c8y/event/events" }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any]
        }
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            handle(client)
        }
    }

    private func handle(_ fd: Int32) {
        guard let request = readRequest(fd) else {
            close(fd)
            return
        }
        lock.lock()
        received.append(request)
        let fault = faults.isEmpty ? nil : faults.removeFirst()
        lock.unlock()
        switch fault {
        case .stall:
            lock.lock()
            stalled.append(fd)
            lock.unlock()
            return
        case .status(let code):
            respond(fd, status: code, body: Array("{\"error\":\"injected\"}".utf8), chunked: false)
            return
        case .pass, nil:
            break
        }
        let parts = request.path.split(separator: "/")
        if request.method == "POST" && request.path == "/c8y/event/events" {
            lock.lock()
            nextEventID += 1
            let id = nextEventID
            lock.unlock()
            respond(fd, status: 201, body: Array("{\"id\":\"\(id)\",\"type\":\"stub\"}".utf8), chunked: true)
        } else if request.method == "GET" && request.path == "/c8y/identity/externalIds/c8y_Serial/\(Self.knownExternalID)" {
            let body = "{\"externalId\":\"\(Self.knownExternalID)\",\"type\":\"c8y_Serial\",\"managedObject\":{\"id\":\"\(Self.managedObjectID)\"}}"
            respond(fd, status: 200, body: Array(body.utf8), chunked: false)
        } else if request.method == "POST" && parts.count == 5 && parts[0] == "c8y" && parts[4] == "binaries" {
            respond(fd, status: 201, body: Array("{\"self\":\"binary\"}".utf8), chunked: false)
        } else {
            respond(fd, status: 404, body: [], chunked: false)
        }
    }

    private func readRequest(_ fd: Int32) -> Request? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        var headerEnd: Int?
        var contentLength = 0
        var head: [String] = []
        while true {
            if headerEnd == nil, let end = Self.find(buffer) {
                headerEnd = end
                head = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                for line in head.dropFirst() {
                    let pair = line.split(separator: ":", maxSplits: 1)
                    if pair.count == 2, pair[0].lowercased() == "content-length" {
                        contentLength = Int(pair[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            if let end = headerEnd, buffer.count >= end + 4 + contentLength { break }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            buffer += chunk[..<n]
        }
        let requestLine = head[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            let pair = line.split(separator: ":", maxSplits: 1)
            if pair.count == 2 { headers[pair[0].lowercased()] = pair[1].trimmingCharacters(in: .whitespaces) }
        }
        let start = headerEnd! + 4
        return Request(
            method: String(requestLine[0]),
            path: String(requestLine[1]),
            headers: headers,
            body: Array(buffer[start..<(start + contentLength)])
        )
    }

    private func respond(_ fd: Int32, status: Int, body: [UInt8], chunked: Bool) {
        var head = "HTTP/1.1 \(status) Stub\r\nContent-Type: application/json\r\nConnection: close\r\n"
        var payload: [UInt8]
        if chunked {
            head += "Transfer-Encoding: chunked\r\n\r\n"
            // Two chunks, so the client must join them.
            let half = body.count / 2
            payload = Array((String(half, radix: 16) + "\r\n").utf8) + body[..<half] + Array("\r\n".utf8)
            payload += Array((String(body.count - half, radix: 16) + "\r\n").utf8) + body[half...] + Array("\r\n0\r\n\r\n".utf8)
        } else {
            head += "Content-Length: \(body.count)\r\n\r\n"
            payload = body
        }
        let bytes = Array(head.utf8) + payload
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(fd)
    }

    private static func find(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }
}
