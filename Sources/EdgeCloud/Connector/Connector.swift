import EdgeFlows
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a command: returns fields to add to the `successful` status, or throws to fail it
/// (the error's description becomes the `reason`).
public typealias ConnectorCommandHandler = @Sendable (ThinEdgeCommand) async throws -> [String: LuaValue]

/// The agent's thin-edge.io service: owns the MQTT client and the durable outbox.
///
/// Everything outgoing goes through ``publish(_:priority:sequenced:)``: checked against the
/// 16 KB limit, stored in the outbox, then sent by the pump in sequence order while the broker
/// is reachable, and removed once the broker acknowledges it. ``run()`` registers the service,
/// keeps health `up` (the will says `down`), answers health checks and runs commands.
public final class Connector: Sendable {
    public let configuration: ConnectorConfiguration
    public let model: ThinEdgeModel
    public let outbox: Outbox
    public let client: MQTTClient
    let logger: Logger
    let state: Mutex<ConnectorState>
    let wakeups: AsyncStream<Void>
    let wake: AsyncStream<Void>.Continuation
    /// Unix time in seconds, for `time` fields.
    let clock: @Sendable () -> Double
    /// Flow outputs that are not cloud messages (samples, captures, signals, logs) go here.
    let localOutputs: (@Sendable (FlowOutput) -> Void)?

    public init(
        configuration: ConnectorConfiguration,
        logger: Logger,
        clock: @escaping @Sendable () -> Double = Connector.wallClock,
        localOutputs: (@Sendable (FlowOutput) -> Void)? = nil
    ) throws(MQTTError) {
        var mqtt = configuration.mqtt
        mqtt.will = configuration.model.healthDown()
        self.client = try MQTTClient(configuration: mqtt, logger: logger)
        self.configuration = configuration
        self.model = configuration.model
        self.outbox = Outbox(configuration: configuration.outbox, logger: logger)
        self.logger = logger
        self.clock = clock
        self.localOutputs = localOutputs
        self.state = Mutex(ConnectorState())
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The current time as Unix seconds.
    @Sendable public static func wallClock() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec / 1_000_000) / 1000
    }

    /// Handles `operation` (announced as a capability by ``run()``). Register before running.
    public func register(operation: String, handler: @escaping ConnectorCommandHandler) {
        state.withLock { $0.handlers[operation] = handler }
    }

    /// How the link is doing.
    public var health: ConnectorHealth { state.withLock { $0.health } }

    /// Checks the size, stores the message and wakes the pump.
    ///
    /// `sequenced` stamps the outbox sequence into a JSON-object payload (see
    /// ``ConnectorConfiguration/sequenceField``).
    @discardableResult
    public func publish(_ message: MQTTMessage, priority: OutboxPriority, sequenced: Bool = false)
        throws(ConnectorError) -> OutboxEntry
    {
        try ThinEdgeModel.checkSize(message)
        defer { wake.yield() }
        do {
            return try outbox.enqueue(
                message,
                priority: priority,
                sequenceField: sequenced ? configuration.sequenceField : nil
            )
        } catch {
            throw ConnectorError(code: .outbox, message: error.description, topic: message.topic)
        }
    }

    /// Registers the service and capabilities, connects, and serves until cancelled.
    public func run() async {
        let operations = state.withLock { $0.handlers.keys.sorted() }
        publishLogged(model.serviceRegistration(), priority: .state)
        for operation in operations { publishLogged(model.capability(operation), priority: .state) }
        if let recovery = outbox.recovery {
            publishLogged(
                model.event("edgemlops_outbox_recovered", text: recovery, time: clock()),
                priority: .state
            )
        }
        do {
            try await client.connect(timeout: .seconds(5))
        } catch {
            // libmosquitto keeps retrying with backoff; the outbox holds everything meanwhile.
            state.withLock { $0.health.lastError = error.message }
            logger.warning(
                "MQTT broker not reachable yet, retrying in the background",
                metadata: ["mqtt.error": "\(error)"]
            )
        }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.watchEvents() }
            group.addTask { await self.pump() }
            group.addTask { await self.serveCommands() }
            group.addTask {
                // A slow heartbeat for the pump, in case a wake-up was coalesced away.
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    self.wake.yield()
                }
            }
        }
        client.disconnect()
    }

    func publishLogged(_ message: MQTTMessage, priority: OutboxPriority) {
        do {
            try publish(message, priority: priority)
        } catch {
            logger.error("message not queued", metadata: ["connector.error": "\(error)"])
        }
    }

    /// Follows the client's connection events: health, acknowledgements, lost QoS 0 messages.
    func watchEvents() async {
        for await event in client.events {
            switch event {
            case .connected:
                state.withLock {
                    $0.health.connected = true
                    $0.health.connections += 1
                    $0.health.lastError = nil
                }
                // The broker may have published our will while we were away.
                publishLogged(model.healthUp(pid: Int(getpid()), time: clock()), priority: .state)
            case .refused(_, let reason):
                state.withLock {
                    $0.health.lastError = "broker refused the connection: \(reason)"
                    $0.health.refusals += 1
                }
            case .disconnected(let code, let expected):
                state.withLock { state in
                    // After a refusal the broker closes the socket too; keep the refusal's reason.
                    if !expected && state.health.connected {
                        state.health.lastError = "connection lost (libmosquitto code \(code))"
                    }
                    state.health.connected = false
                    // libmosquitto resends unacknowledged QoS 1/2 messages after reconnecting but
                    // drops QoS 0 ones: at most once was their promise, so they are done.
                    for (mid, entry) in state.inflight where entry.qos == .atMostOnce {
                        state.inflight.removeValue(forKey: mid)
                        state.acknowledged.append(entry.sequence)
                    }
                }
            case .published(let mid):
                state.withLock { state in
                    if let entry = state.inflight.removeValue(forKey: mid) {
                        state.acknowledged.append(entry.sequence)
                        state.health.acknowledged += 1
                    } else {
                        state.earlyAcks.insert(mid)
                    }
                }
            }
            wake.yield()
        }
    }

    /// Hands stored messages to libmosquitto in order, within the window, while connected.
    func pump() async {
        for await _ in wakeups {
            if Task.isCancelled { return }
            settle()
            sending: while client.isConnected {
                let (room, cursor) = state.withLock { (configuration.window - $0.inflight.count, $0.cursor) }
                guard room > 0 else { break }
                let entries = outbox.pending(after: cursor, limit: min(room, 128))
                if entries.isEmpty { break }
                for entry in entries {
                    let mid: Int32
                    do {
                        mid = try client.publish(entry.message)
                    } catch {
                        logger.debug("publish deferred", metadata: ["mqtt.error": "\(error)"])
                        break sending
                    }
                    state.withLock { state in
                        if state.earlyAcks.remove(mid) != nil {
                            state.acknowledged.append(entry.sequence)
                            state.health.acknowledged += 1
                        } else {
                            state.inflight[mid] = (entry.sequence, entry.message.qos)
                        }
                        state.cursor = entry.sequence
                    }
                }
                settle()
            }
        }
    }

    /// Removes acknowledged messages from the outbox and reports new drops.
    func settle() {
        let done = state.withLock { state -> [Int64] in
            defer { state.acknowledged.removeAll(keepingCapacity: true) }
            return state.acknowledged
        }
        outbox.remove(done)
        let statistics = outbox.statistics
        let report = state.withLock { state -> Bool in
            guard statistics.dropped > state.reportedDrops else { return false }
            state.reportedDrops = statistics.dropped
            return true
        }
        guard report else { return }
        logger.warning(
            "outbox dropped telemetry to stay within its bounds",
            metadata: ["outbox.dropped": "\(statistics.dropped)"]
        )
        let time = clock()
        // As state, so the report itself is never evicted.
        if let measurement = try? model.measurement(
            "edgemlops_outbox",
            values: [
                "dropped": .integer(Int64(statistics.dropped)), "pending": .integer(Int64(statistics.pendingMessages)),
            ],
            time: time
        ) {
            _ = try? outbox.enqueue(measurement, priority: .state)
        }
        let alarm = model.raiseAlarm(
            "edgemlops_outbox_overflow",
            severity: .major,
            text:
                "outbox full: \(statistics.dropped) telemetry messages dropped (bounds \(configuration.outbox.maximumMessages) messages, \(configuration.outbox.maximumBytes) bytes)",
            time: time
        )
        _ = try? outbox.enqueue(alarm, priority: .state)
    }
}
