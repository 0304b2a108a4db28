import EdgeFlows
import EdgeTestSupport
import Foundation
import Logging
import Testing

@testable import EdgeCloud

/// The outbox's promise under faults: nothing lost, duplicates only as redeliveries of the same sequence.
@Suite("Connector fault tests against a real mosquitto", .serialized, .timeLimit(.minutes(2)))
struct ConnectorFaultTests {
    typealias F = ConnectorFixture
    let eventTopic = "te/device/main/service/edgemlops/e/outbox_demo"

    /// Sequence and text of a demo event.
    static func decode(_ message: MQTTMessage) -> (sequence: Int64, n: Int)? {
        guard let value = try? FlowJSON.decode(message.payloadString),
            let sequence = value["seq"]?.integerValue,
            let text = value["text"]?.stringValue, let n = Int(text)
        else { return nil }
        return (sequence, n)
    }

    func temporaryOutbox() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("outbox-fault-\(UUID().uuidString).db").path
    }

    @Test(
        "10,000 events while the broker is stopped and restarted three times: all arrive, no sequence twice after de-duplication"
    )
    func brokerRestarts() async throws {
        // Unbounded queues for offline sessions: mosquitto's default (1000) would drop messages
        // for the subscriber when the connector reconnects before it does.
        let broker = try MosquittoBroker(configuration: "max_queued_messages 0", persistence: true)
        // A persistent session, so the broker keeps what arrives while the subscriber is reconnecting.
        let subscriber = try await F.client(broker, id: "fault-subscriber", cleanSession: false)
        let received = Collector(try await subscriber.subscribe(eventTopic))
        let path = temporaryOutbox()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let connector = try F.connector(broker, outbox: path)
        let running = Task { await connector.run() }
        defer { running.cancel() }

        let total = 10_000
        let producer = Task {
            for n in 0..<total {
                try connector.publish(
                    connector.model.event("outbox_demo", text: String(n), time: 0),
                    priority: .telemetry,
                    sequenced: true
                )
                // Spread over about five seconds, so messages are produced during every outage.
                if n % 50 == 0 { try await Task.sleep(for: .milliseconds(25)) }
            }
        }
        for restart in 1...3 {
            try await Task.sleep(for: .milliseconds(300))
            broker.stop()
            try await Task.sleep(for: .milliseconds(300))
            try broker.start()
            // The next outage only after the connector is back, so each one interrupts a live link.
            let deadline = ContinuousClock.now + .seconds(10)
            while connector.health.connections < restart + 1 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await producer.value
        let got = await received.wait(timeout: .seconds(60)) { got in
            Set(got.compactMap { Self.decode($0)?.sequence }).count >= total
        }
        let decoded = got.compactMap(Self.decode)
        var bySequence: [Int64: Int] = [:]
        for (sequence, n) in decoded {
            if let earlier = bySequence[sequence] {
                #expect(earlier == n, "sequence \(sequence) carried two different events")
            }
            bySequence[sequence] = n
        }
        #expect(bySequence.count == total)
        let missing = Set(0..<total).subtracting(bySequence.values)
        #expect(missing.isEmpty, "\(missing.count) events missing, first \(missing.sorted().prefix(10))")
        #expect(connector.health.connections >= 4)
        let duplicates = decoded.count - bySequence.count
        print(
            "broker restarts: \(decoded.count) deliveries, \(duplicates) duplicates removed, \(connector.health.connections) connections"
        )
        let deadline = ContinuousClock.now + .seconds(10)
        while connector.outbox.statistics.pendingMessages > 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(connector.outbox.statistics.pendingMessages == 0)
    }

    /// The `edgemlops` executable next to the test bundle (swift build puts both in one directory).
    static func edgemlops() throws -> String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if directory.lastPathComponent == "MacOS" || directory.path.hasSuffix(".xctest/Contents") {
            directory = directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        let path = directory.appendingPathComponent("edgemlops").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw FixtureFailure(
                description: "\(path) not found: build the edgemlops product before the tests (swift build)"
            )
        }
        return path
    }

    @Test("the publishing process SIGKILLed mid-stream: a restart replays the rest of its outbox")
    func publisherKilled() async throws {
        let executable = try Self.edgemlops()
        let broker = try MosquittoBroker(configuration: "max_queued_messages 0", persistence: true)
        let subscriber = try await F.client(broker, id: "kill-subscriber", cleanSession: false)
        let received = Collector(try await subscriber.subscribe(eventTopic))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "outbox-kill-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("outbox.db").path
        let arguments = ["outbox-demo", "--port", String(broker.port), "--outbox", path]

        let first = try ChildProcess(
            executable: executable,
            arguments: arguments + ["--count", "5000", "--enqueue-first"],
            outputPath: directory.appendingPathComponent("first.log").path
        )
        let beforeKill = await received.wait(timeout: .seconds(30)) { $0.count >= 500 }
        first.signal(SIGKILL)
        let status = first.wait()
        #expect(status & 0x7F == SIGKILL, "the publisher ended before it could be killed (status \(status))")
        #expect(beforeKill.count >= 500)

        // What the killed process left: its tail, and how far it got.
        let leftover = Outbox(configuration: OutboxConfiguration(path: path), logger: F.logger)
        #expect(leftover.recovery == nil)
        let pending = leftover.pending(after: 0, limit: 100_000).compactMap { Self.decode($0.message) }
        #expect(pending.count >= 10, "the kill came when the outbox was (nearly) drained; too little to replay")

        let second = try ChildProcess(
            executable: executable,
            arguments: arguments + ["--count", "0", "--timeout", "60"],
            outputPath: directory.appendingPathComponent("second.log").path
        )
        #expect(
            second.wait() == 0,
            "\((try? String(contentsOfFile: directory.appendingPathComponent("second.log").path, encoding: .utf8)) ?? "")"
        )
        let enqueued = (pending.map(\.n) + received.all.compactMap { Self.decode($0)?.n }).max().map { $0 + 1 } ?? 0
        #expect(enqueued > beforeKill.count)
        let got = await received.wait(timeout: .seconds(30)) { got in
            Set(got.compactMap { Self.decode($0)?.n }).count >= enqueued
        }
        let delivered = Set(got.compactMap { Self.decode($0)?.n })
        #expect(
            delivered == Set(0..<enqueued),
            "missing: \(Set(0..<enqueued).subtracting(delivered).sorted().prefix(20))"
        )
        print(
            "publisher killed: \(enqueued) events enqueued, \(beforeKill.count) delivered before the kill, \(pending.count) replayed from the outbox"
        )
    }
}
