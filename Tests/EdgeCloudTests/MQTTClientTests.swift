import EdgeTestSupport
import Logging
import Testing

@testable import EdgeCloud

@Suite("MQTT client against a real mosquitto", .serialized, .timeLimit(.minutes(1)))
struct MQTTClientTests {
    let logger = Logger(label: "test.mqtt")

    func client(_ broker: MosquittoBroker, id: String, will: MQTTMessage? = nil, keepAlive: Int = 60) throws
        -> MQTTClient
    {
        try MQTTClient(
            configuration: MQTTConfiguration(
                host: broker.host,
                port: broker.port,
                clientID: id,
                keepAliveSeconds: keepAlive,
                will: will
            ),
            logger: logger
        )
    }

    @Test("publish and subscribe round-trip at every QoS")
    func roundTrip() async throws {
        let broker = try MosquittoBroker()
        let subscriber = try client(broker, id: "sub")
        let publisher = try client(broker, id: "pub")
        try await subscriber.connect()
        try await publisher.connect()
        #expect(subscriber.isConnected)
        let messages = try await subscriber.subscribe("te/+/+/+/+/m/+", qos: .exactlyOnce)
        for qos in MQTTQoS.allCases {
            try await publisher.publish(
                MQTTMessage(topic: "te/device/main///m/q\(qos.rawValue)", payload: "{\"qos\":\(qos.rawValue)}", qos: qos),
                timeout: .seconds(5)
            )
        }
        var received: [MQTTMessage] = []
        for await message in messages {
            received.append(message)
            if received.count == 3 { break }
        }
        #expect(received.map(\.topic) == ["te/device/main///m/q0", "te/device/main///m/q1", "te/device/main///m/q2"])
        #expect(received.map(\.payloadString) == ["{\"qos\":0}", "{\"qos\":1}", "{\"qos\":2}"])
        publisher.disconnect()
        subscriber.disconnect()
    }

    @Test("retained messages reach a later subscriber, binary payload intact")
    func retained() async throws {
        let broker = try MosquittoBroker()
        let publisher = try client(broker, id: "retainer")
        try await publisher.connect()
        let payload: [UInt8] = [0, 1, 2, 255, 254, 0x7B]
        try await publisher.publish(
            MQTTMessage(topic: "te/device/main/service/edgemlops", payload: payload, qos: .atLeastOnce, retain: true),
            timeout: .seconds(5)
        )
        let late = try client(broker, id: "late")
        try await late.connect()
        let subscription = try await late.subscribe("te/device/main/service/edgemlops")
        var iterator = subscription.makeAsyncIterator()
        let message = await iterator.next()
        #expect(message?.payload == payload)
        #expect(message?.retain == true)
    }

    @Test("the broker publishes the last will when a client dies")
    func lastWill() async throws {
        let broker = try MosquittoBroker()
        let watcher = try client(broker, id: "watcher")
        try await watcher.connect()
        let health = try await watcher.subscribe("te/device/main/service/edgemlops/status/health")
        do {
            let mortal = try client(
                broker,
                id: "mortal",
                will: MQTTMessage(
                    topic: "te/device/main/service/edgemlops/status/health",
                    payload: "{\"status\":\"down\"}",
                    qos: .atLeastOnce,
                    retain: true
                ),
                keepAlive: 5
            )
            try await mortal.connect()
            // A crash: the socket closes without DISCONNECT, so the broker must send the will.
            mortal.simulateConnectionLoss()
        }
        var iterator = health.makeAsyncIterator()
        let will = await iterator.next()
        #expect(will?.payloadString == "{\"status\":\"down\"}")
    }

    @Test("an unreachable broker gives a clear error naming the address")
    func unreachable() async throws {
        let port = try MosquittoBroker.freePort()
        let lonely = try MQTTClient(
            configuration: MQTTConfiguration(host: "127.0.0.1", port: port, clientID: "lonely"),
            logger: logger
        )
        let error = try await #require(throws: MQTTError.self) {
            try await lonely.connect(timeout: .milliseconds(500))
        }
        #expect(error.message.contains("127.0.0.1:\(port)"))
        lonely.disconnect()
    }

    @Test("reconnects by itself after the broker restarts")
    func reconnects() async throws {
        let broker = try MosquittoBroker()
        let client = try client(broker, id: "phoenix")
        try await client.connect()
        broker.kill()
        try broker.start()
        try await client.waitForConnection(timeout: .seconds(10))
        #expect(client.isConnected)
        try await client.publish(MQTTMessage(topic: "t/after", payload: "ok"), timeout: .seconds(5))
        client.disconnect()
    }

    @Test(
        "invalid topics and filters are refused before sending",
        arguments: ["", "a/+/b", "a/#", "bad\u{0}topic"]
    )
    func invalidTopics(topic: String) throws {
        let broker = try MosquittoBroker()
        let client = try client(broker, id: "strict")
        #expect(throws: MQTTError.self) { try client.publish(MQTTMessage(topic: topic, payload: "x")) }
    }

    @Test("bad configuration is refused with the value named")
    func badConfiguration() throws {
        let error = try #require(throws: MQTTError.self) {
            try MQTTClient(configuration: MQTTConfiguration(port: 70_000, clientID: "x"), logger: logger)
        }
        #expect(error.message.contains("70000"))
        #expect(throws: MQTTError.self) { try MQTTClient(configuration: MQTTConfiguration(clientID: ""), logger: logger) }
    }
}
