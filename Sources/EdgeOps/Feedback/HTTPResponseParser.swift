import Foundation

/// Frames one HTTP/1.1 response from a byte stream: status line, headers, then a body by
/// `Content-Length`, `Transfer-Encoding: chunked`, or up to the end of the stream.
struct HTTPResponseParser {
    var maxBodyBytes: Int

    /// `more` appends bytes to its argument and returns false at the end of the stream.
    func parse(url: String, more: (inout [UInt8]) throws(HTTPError) -> Bool) throws(HTTPError) -> HTTPResponse {
        var buffer: [UInt8] = []
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = Self.find([13, 10, 13, 10], in: buffer, from: 0)
            if headerEnd != nil { break }
            guard buffer.count < 64 << 10 else {
                throw HTTPError(code: .malformedResponse, message: "headers longer than 64 KiB", url: url)
            }
            guard try more(&buffer) else {
                throw HTTPError(code: .malformedResponse, message: "connection closed before the headers ended", url: url)
            }
        }
        let lines = String(decoding: buffer[..<headerEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw HTTPError(code: .malformedResponse, message: "bad status line '\(lines[0])'", url: url)
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw HTTPError(code: .malformedResponse, message: "bad header line '\(line)'", url: url)
            }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var rest = Array(buffer[(headerEnd! + 4)...])
        let body: [UInt8]
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try dechunk(&rest, url: url, more: more)
        } else if let raw = headers["content-length"] {
            guard let length = Int(raw), length >= 0 else {
                throw HTTPError(code: .malformedResponse, message: "bad Content-Length '\(raw)'", url: url)
            }
            guard length <= maxBodyBytes else {
                throw HTTPError(code: .malformedResponse, message: "body of \(length) bytes is too large", url: url)
            }
            while rest.count < length {
                guard try more(&rest) else {
                    throw HTTPError(
                        code: .malformedResponse,
                        message: "connection closed after \(rest.count) of \(length) body bytes",
                        url: url
                    )
                }
            }
            body = Array(rest[..<length])
        } else {
            while try more(&rest) {
                guard rest.count <= maxBodyBytes else {
                    throw HTTPError(code: .malformedResponse, message: "body is too large", url: url)
                }
            }
            body = rest
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    func dechunk(_ buffer: inout [UInt8], url: String, more: (inout [UInt8]) throws(HTTPError) -> Bool)
        throws(HTTPError) -> [UInt8]
    {
        var body: [UInt8] = []
        var position = 0
        while true {
            var lineEnd = Self.find([13, 10], in: buffer, from: position)
            while lineEnd == nil {
                guard try more(&buffer) else {
                    throw HTTPError(code: .malformedResponse, message: "connection closed inside a chunk header", url: url)
                }
                lineEnd = Self.find([13, 10], in: buffer, from: position)
            }
            let sizeText = String(decoding: buffer[position..<lineEnd!], as: UTF8.self)
                .split(separator: ";").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else {
                throw HTTPError(code: .malformedResponse, message: "bad chunk size '\(sizeText)'", url: url)
            }
            guard body.count + size <= maxBodyBytes else {
                throw HTTPError(code: .malformedResponse, message: "chunked body is too large", url: url)
            }
            let start = lineEnd! + 2
            // A zero chunk ends the body; trailers, if any, are not needed.
            if size == 0 { return body }
            while buffer.count < start + size + 2 {
                guard try more(&buffer) else {
                    throw HTTPError(code: .malformedResponse, message: "connection closed inside a chunk", url: url)
                }
            }
            body += buffer[start..<(start + size)]
            position = start + size + 2
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for i in start...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }
}
