import EdgeOps
import EdgeTestSupport
import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import Logging
import Testing

@Suite("Sample spool and uploader")
struct FeedbackTests {
    let tmp = TemporaryDirectory()

    static func jpeg(_ tag: UInt8) -> [UInt8] { [0xFF, 0xD8, 0xFF, 0xE0, tag, tag, 0xFF, 0xD9] }

    static func metadata(_ n: Int) -> SampleMetadata {
        SampleMetadata(
            type: "edgemlops_sample",
            text: "sample \(n)",
            time: 1_790_000_000 + Double(n),
            model: "scratch",
            version: "1.0.0",
            label: "defect",
            confidence: 0.75
        )
    }

    @Test func spoolEvictsTheOldest() throws {
        let spool = try SampleSpool(directory: tmp.path + "/spool", maxSamples: 3)
        for n in 0..<5 { try spool.add(jpeg: Self.jpeg(UInt8(n)), metadata: Self.metadata(n)) }
        #expect(spool.samples().map(\.metadata.text) == ["sample 2", "sample 3", "sample 4"])
        let oldest = try #require(spool.samples().first)
        #expect(try tmp.read("spool/\(oldest.id).jpg") == Self.jpeg(2))
    }

    @Test func spoolEvictsByBytes() throws {
        let spool = try SampleSpool(directory: tmp.path + "/spool", maxSamples: 100, maxBytes: 600)
        for n in 0..<10 { try spool.add(jpeg: [UInt8](repeating: UInt8(n), count: 200), metadata: Self.metadata(n)) }
        let left = spool.samples()
        #expect(left.count < 10 && left.count >= 1)
        #expect(left.last?.metadata.text == "sample 9")
    }

    @Test func spoolRecoversFromAnInterruptedWrite() throws {
        let first = try SampleSpool(directory: tmp.path + "/spool")
        let kept = try first.add(jpeg: Self.jpeg(1), metadata: Self.metadata(1))
        try tmp.write("spool/0000000000001-00000009.jpg", Self.jpeg(9))  // image without metadata
        try tmp.write("spool/0000000000002-00000010.json.tmp", [1, 2, 3])
        let reopened = try SampleSpool(directory: tmp.path + "/spool")
        #expect(reopened.samples().map(\.id) == [kept.id])
        let names = try FileManager.default.contentsOfDirectory(atPath: tmp.path + "/spool").sorted()
        #expect(names == [kept.id + ".jpg", kept.id + ".json"])
    }

    func makeUploader(_ stub: CumulocityProxyStub, timeout: Duration = .seconds(5)) throws -> SampleUploader {
        SampleUploader(
            spool: try SampleSpool(directory: tmp.path + "/spool"),
            client: HTTPClient(port: stub.port, timeout: timeout),
            source: "4711",
            initialBackoff: .milliseconds(20),
            maxBackoff: .milliseconds(100),
            logger: Logger(label: "test")
        )
    }

    @Test func uploadsEventThenImageOldestFirst() throws {
        let stub = try CumulocityProxyStub()
        let uploader = try makeUploader(stub)
        for n in 0..<2 { try uploader.spool.add(jpeg: Self.jpeg(UInt8(n)), metadata: Self.metadata(n)) }
        #expect(try uploader.uploadPending() == 2)
        #expect(uploader.spool.samples().isEmpty)
        let requests = stub.requests
        #expect(requests.map(\.path) == [
            "/c8y/event/events", "/c8y/event/events/101/binaries",
            "/c8y/event/events", "/c8y/event/events/102/binaries",
        ])
        #expect(requests[1].body == Self.jpeg(0) && requests[3].body == Self.jpeg(1))
        #expect(requests[1].headers["content-type"] == "image/jpeg")
        let event = try #require(stub.events.first)
        #expect(event["type"] as? String == "edgemlops_sample")
        #expect(event["text"] as? String == "sample 0")
        #expect((event["source"] as? [String: Any])?["id"] as? String == "4711")
        #expect((event["time"] as? String)?.hasPrefix("2026-09-21T") == true)
        #expect((event["edgemlops_sample"] as? [String: Any])?["label"] as? String == "defect")
    }

    @Test(arguments: [503, 500, 404])
    func eventErrorKeepsTheSampleForRetry(status: Int) throws {
        let stub = try CumulocityProxyStub()
        let uploader = try makeUploader(stub)
        try uploader.spool.add(jpeg: Self.jpeg(1), metadata: Self.metadata(1))
        stub.inject(.status(status))
        #expect { try uploader.uploadPending() } throws: { ($0 as? HTTPError)?.code == .status }
        #expect(uploader.spool.samples().count == 1)
        #expect(try uploader.uploadPending() == 1)
        #expect(uploader.spool.samples().isEmpty)
    }

    @Test func imageErrorRetriesOnTheSameEvent() throws {
        let stub = try CumulocityProxyStub()
        let uploader = try makeUploader(stub)
        try uploader.spool.add(jpeg: Self.jpeg(1), metadata: Self.metadata(1))
        // The event is created, the image is refused: the event id is remembered for the retry.
        stub.inject(.pass, .status(503))
        #expect(throws: HTTPError.self) { try uploader.uploadPending() }
        #expect(uploader.spool.samples().first?.metadata.eventID == "101")
        #expect(try uploader.uploadPending() == 1)
        #expect(stub.requests.map(\.path) == [
            "/c8y/event/events", "/c8y/event/events/101/binaries", "/c8y/event/events/101/binaries",
        ])
        #expect(uploader.spool.samples().isEmpty)
    }

    @Test func stalledProxyTimesOut() throws {
        let stub = try CumulocityProxyStub()
        let uploader = try makeUploader(stub, timeout: .milliseconds(300))
        try uploader.spool.add(jpeg: Self.jpeg(1), metadata: Self.metadata(1))
        stub.inject(.stall)
        #expect { try uploader.uploadPending() } throws: { ($0 as? HTTPError)?.code == .timeout }
        #expect(try uploader.uploadPending() == 1)
    }

    @Test func unreachableProxyIsAConnectError() throws {
        // A bound socket that never listens: connecting is refused, and no other test's stub can
        // take the port meanwhile (a stopped stub's port could be reused and get our request).
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        let uploader = SampleUploader(
            spool: try SampleSpool(directory: tmp.path + "/spool"),
            client: HTTPClient(port: Int(UInt16(bigEndian: address.sin_port))),
            source: "4711",
            logger: Logger(label: "test")
        )
        try uploader.spool.add(jpeg: Self.jpeg(1), metadata: Self.metadata(1))
        #expect { try uploader.uploadPending() } throws: { ($0 as? HTTPError)?.code == .connect }
        #expect(uploader.spool.samples().count == 1)
    }

    @Test func runRetriesWithBackoffUntilAcknowledged() async throws {
        let stub = try CumulocityProxyStub()
        let uploader = try makeUploader(stub)
        for n in 0..<3 { try uploader.spool.add(jpeg: Self.jpeg(UInt8(n)), metadata: Self.metadata(n)) }
        stub.inject(.status(503), .status(503), .status(500))
        let task = Task { await uploader.run(idle: .milliseconds(20)) }
        defer { task.cancel() }
        for _ in 0..<500 where !uploader.spool.samples().isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        #expect(uploader.spool.samples().isEmpty)
        let texts = stub.events.compactMap { $0["text"] as? String }
        #expect(Array(Set(texts)).sorted() == ["sample 0", "sample 1", "sample 2"])
        // Oldest first: sample 0 was the first attempted and the first created.
        #expect(texts.first == "sample 0")
    }
}
