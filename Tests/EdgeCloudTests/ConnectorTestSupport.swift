import EdgeTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import EdgeCloud

/// Messages gathered from a subscription by a background task.
final class Collector: Sendable {
    final class Box: Sendable {
        let messages = Mutex<[MQTTMessage]>([])
    }
    let box = Box()
    private let task: Task<Void, Never>

    init(_ subscription: MQTTSubscription) {
        let box = self.box
        task = Task {
            for await message in subscription { box.messages.withLock { $0.append(message) } }
        }
    }

    deinit { task.cancel() }

    var all: [MQTTMessage] { box.messages.withLock { $0 } }

    /// Polls until `done` holds for what has arrived, or the timeout passes; returns what arrived.
    @discardableResult
    func wait(timeout: Duration = .seconds(10), until done: ([MQTTMessage]) -> Bool) async -> [MQTTMessage] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let snapshot = all
            if done(snapshot) { return snapshot }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return all
    }
}

enum ConnectorFixture {
    static let logger = Logger(label: "test.connector")
    static let time: Double = 1_700_000_000

    static func mqtt(_ broker: MosquittoBroker, id: String, cleanSession: Bool = true) -> MQTTConfiguration {
        MQTTConfiguration(
            host: broker.host,
            port: broker.port,
            clientID: id,
            cleanSession: cleanSession,
            reconnectDelaySeconds: 1,
            reconnectDelayMaximumSeconds: 1,
            reconnectJitter: false
        )
    }

    static func connector(_ broker: MosquittoBroker, outbox: String = ":memory:") throws -> Connector {
        try Connector(
            configuration: ConnectorConfiguration(
                mqtt: mqtt(broker, id: "edgemlops"),
                outbox: OutboxConfiguration(path: outbox)
            ),
            logger: logger,
            clock: { time }
        )
    }

    static func client(_ broker: MosquittoBroker, id: String, cleanSession: Bool = true) async throws -> MQTTClient {
        let client = try MQTTClient(configuration: mqtt(broker, id: id, cleanSession: cleanSession), logger: logger)
        try await client.connect()
        return client
    }

    /// What is retained under `filter`: subscribes afresh and reads until a marker published after the SUBACK.
    static func retained(_ broker: MosquittoBroker, filter: String, marker: String) async throws -> [MQTTMessage] {
        let reader = try await client(broker, id: "retained-reader-\(UInt32.random(in: 0...UInt32.max))")
        defer { reader.disconnect() }
        let collector = Collector(try await reader.subscribe(filter))
        let markers = Collector(try await reader.subscribe(marker))
        try await reader.publish(MQTTMessage(topic: marker, payload: "marker"), timeout: .seconds(5))
        // The broker sends the retained messages right after the SUBACK, so before the marker.
        await markers.wait { !$0.isEmpty }
        try await Task.sleep(for: .milliseconds(20))
        return collector.all.filter { $0.topic != marker }
    }
}

struct FixtureFailure: Error, CustomStringConvertible {
    var description: String
}
