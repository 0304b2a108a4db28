import Foundation
import Logging
import Testing

@testable import EdgeCloud

@Suite("durable outbox")
struct OutboxTests {
    let logger = Logger(label: "test.outbox")

    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID().uuidString).db").path
    }

    func message(_ n: Int, retain: Bool = false) -> MQTTMessage {
        MQTTMessage(topic: "te/device/main///e/t", payload: "{\"n\":\(n)}", retain: retain)
    }

    @Test(
        "messages come back in order across a reopen, with increasing sequence numbers",
        arguments: OutboxConfiguration.FsyncPolicy.allCases
    )
    func persistence(policy: OutboxConfiguration.FsyncPolicy) throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let outbox = Outbox(configuration: OutboxConfiguration(path: path, fsync: policy), logger: logger)
            #expect(outbox.recovery == nil)
            for n in 0..<10 { try outbox.enqueue(message(n), priority: .telemetry) }
            outbox.remove([1, 2])
        }
        let reopened = Outbox(configuration: OutboxConfiguration(path: path, fsync: policy), logger: logger)
        let entries = reopened.pending(after: 0, limit: 100)
        #expect(entries.map(\.sequence) == Array(3...10))
        #expect(entries.map(\.message.payloadString) == (2..<10).map { "{\"n\":\($0)}" })
        #expect(reopened.statistics.pendingMessages == 8)
        // Sequence numbers never repeat, even after the newest rows were removed.
        reopened.remove(entries.map(\.sequence))
        let next = try reopened.enqueue(message(99), priority: .telemetry)
        #expect(next.sequence == 11)
        #expect(reopened.statistics.pendingBytes == next.message.topic.utf8.count + next.message.payload.count)
    }

    @Test("the sequence is stamped into JSON objects, payloads are otherwise byte-exact")
    func stamping() throws {
        let outbox = Outbox(configuration: OutboxConfiguration(path: ":memory:"), logger: logger)
        let first = try outbox.enqueue(message(1), priority: .telemetry, sequenceField: "seq")
        #expect(first.message.payloadString == #"{"seq":1,"n":1}"#)
        let empty = try outbox.enqueue(
            MQTTMessage(topic: "a", payload: "{}"),
            priority: .telemetry,
            sequenceField: "seq"
        )
        #expect(empty.message.payloadString == #"{"seq":2}"#)
        let clear = try outbox.enqueue(
            MQTTMessage(topic: "a", payload: [UInt8](), retain: true),
            priority: .state,
            sequenceField: "seq"
        )
        #expect(clear.message.payload.isEmpty)
        let stored = outbox.pending(after: 0, limit: 10)
        #expect(stored.map(\.message) == [first.message, empty.message, clear.message])
        #expect(stored.last?.message.retain == true)
    }

    @Test("bounds evict the oldest telemetry, never state, and count the drops")
    func eviction() throws {
        let outbox = Outbox(configuration: OutboxConfiguration(path: ":memory:", maximumMessages: 5), logger: logger)
        try outbox.enqueue(message(0, retain: true), priority: .state)
        for n in 1...8 { try outbox.enqueue(message(n), priority: .telemetry) }
        let kept = outbox.pending(after: 0, limit: 100)
        #expect(kept.map(\.message.payloadString) == ["{\"n\":0}", "{\"n\":5}", "{\"n\":6}", "{\"n\":7}", "{\"n\":8}"])
        #expect(outbox.statistics.dropped == 4)
        // State is admitted beyond the bound; telemetry then has nothing left to evict but itself.
        for n in 9...13 { try outbox.enqueue(message(n, retain: true), priority: .state) }
        let error = #expect(throws: OutboxError.self) { try outbox.enqueue(message(14), priority: .telemetry) }
        #expect(error?.code == .overflow)
        #expect(outbox.statistics.dropped == 9)
        #expect(outbox.pending(after: 0, limit: 100).allSatisfy { $0.priority == .state })
    }

    @Test("a byte bound works the same way")
    func byteBound() throws {
        let size = "te/device/main///e/t".utf8.count + "{\"n\":0}".utf8.count
        let outbox = Outbox(
            configuration: OutboxConfiguration(path: ":memory:", maximumBytes: 3 * size),
            logger: logger
        )
        for n in 0..<5 { try outbox.enqueue(message(n), priority: .telemetry) }
        #expect(outbox.pending(after: 0, limit: 10).map(\.sequence) == [3, 4, 5])
        #expect(outbox.statistics.pendingBytes == 3 * size)
    }

    @Test("a corrupt file is moved aside and a fresh outbox works")
    func corrupt() throws {
        let path = temporaryPath()
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: path))
        let outbox = Outbox(configuration: OutboxConfiguration(path: path), logger: logger)
        let recovery = try #require(outbox.recovery)
        #expect(recovery.contains(path))
        #expect(recovery.contains("moved aside"))
        let aside = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix(URL(fileURLWithPath: path).lastPathComponent + ".corrupt-") }
        #expect(aside.count == 1)
        try outbox.enqueue(message(1), priority: .telemetry)
        #expect(outbox.pending(after: 0, limit: 10).count == 1)
        for name in aside {
            try? FileManager.default.removeItem(
                atPath: FileManager.default.temporaryDirectory.appendingPathComponent(name).path
            )
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("an unopenable location falls back to memory and says so")
    func unopenable() throws {
        let outbox = Outbox(
            configuration: OutboxConfiguration(path: "/nonexistent-dir-\(UUID().uuidString)/outbox.db"),
            logger: logger
        )
        let recovery = try #require(outbox.recovery)
        #expect(recovery.contains("in memory"))
        try outbox.enqueue(message(1), priority: .telemetry)
        #expect(outbox.statistics.pendingMessages == 1)
    }
}
