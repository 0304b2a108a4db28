import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal blocking HTTP/1.1 client for thin-edge's local Cumulocity proxy (plain TCP on
/// loopback): one request per connection (`Connection: close`), responses framed by
/// `Content-Length`, `chunked`, or the end of the stream. Enough for the two calls the sample
/// uploader makes, without pulling an HTTP stack into the agent.
public struct HTTPClient: Sendable {
    public var host: String
    public var port: Int
    /// Per connect, send and receive; a stalled proxy fails the request instead of hanging it.
    public var timeout: Duration
    /// The largest response body accepted.
    public var maxBodyBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8001, timeout: Duration = .seconds(10), maxBodyBytes: Int = 1 << 20) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }

    public func post(_ path: String, body: [UInt8], contentType: String, headers: [String: String] = [:])
        throws(HTTPError) -> HTTPResponse
    {
        try send(method: "POST", path: path, body: body, headers: headers.merging(["Content-Type": contentType]) { $1 })
    }

    public func send(method: String, path: String, body: [UInt8] = [], headers: [String: String] = [:])
        throws(HTTPError) -> HTTPResponse
    {
        let url = "http://\(host):\(port)\(path)"
        let socket = try connect(url: url)
        defer { close(socket) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        head += "Content-Length: \(body.count)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try write(socket, Array(head.utf8) + body, url: url)
        return try HTTPResponseParser(maxBodyBytes: maxBodyBytes).parse(url: url) { buffer throws(HTTPError) in
            try read(socket, into: &buffer, url: url)
        }
    }

    func connect(url: String) throws(HTTPError) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw HTTPError(code: .connect, message: "'\(host)' is not an IPv4 address", url: url)
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPError(code: .connect, message: String(cString: strerror(errno)), url: url) }
        let (seconds, attoseconds) = timeout.components
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HTTPError(code: .connect, message: reason, url: url)
        }
        return fd
    }

    func write(_ fd: Int32, _ bytes: [UInt8], url: String) throws(HTTPError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                let code: HTTPError.Code = errno == EAGAIN || errno == EWOULDBLOCK ? .timeout : .io
                throw HTTPError(code: code, message: "send: \(String(cString: strerror(errno)))", url: url)
            }
            offset += n
        }
    }

    /// Appends what arrives to `buffer`; returns false at the end of the stream.
    func read(_ fd: Int32, into buffer: inout [UInt8], url: String) throws(HTTPError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer += chunk[..<n]
                return true
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            let code: HTTPError.Code = errno == EAGAIN || errno == EWOULDBLOCK ? .timeout : .io
            throw HTTPError(code: code, message: "receive: \(String(cString: strerror(errno)))", url: url)
        }
    }
}
