import ArgumentParser
import EdgeCloud
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Publishes numbered events through the connector's outbox and waits until all are acknowledged.
///
/// Hidden: it exists for the crash tests (a child process SIGKILLed mid-stream, then restarted
/// with `--count 0` to replay what is left) and for the outbox benchmark in docs/BENCHMARKS.md.
struct OutboxDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox-demo",
        abstract: "Publish numbered events through the durable outbox (tests and benchmarks).",
        shouldDisplay: false
    )

    @Option(help: "Broker host.") var host = "127.0.0.1"
    @Option(help: "Broker port.") var port = 1883
    @Option(help: "Outbox database file.") var outbox: String
    @Option(help: "Events to enqueue (0: only replay what the outbox holds).") var count = 1000
    @Option(help: "Pause between events, in microseconds.") var intervalUs = 0
    @Option(help: "fsync policy: always, normal, off.") var fsync = "normal"
    @Option(help: "MQTT client id.") var clientId = "edgemlops-outbox-demo"
    @Option(help: "Give up after this many seconds.") var timeout = 120
    @Flag(help: "Store every event before connecting (a backlog, as after an outage).") var enqueueFirst = false

    func run() async throws {
        guard let policy = OutboxConfiguration.FsyncPolicy(rawValue: fsync) else {
            throw ValidationError("--fsync must be always, normal or off, not '\(fsync)'")
        }
        var logger = Logger(label: "edgemlops.outbox-demo")
        logger.logLevel = .warning
        let connector = try Connector(
            configuration: ConnectorConfiguration(
                mqtt: MQTTConfiguration(
                    host: host,
                    port: port,
                    clientID: clientId,
                    reconnectDelaySeconds: 1,
                    reconnectDelayMaximumSeconds: 2
                ),
                outbox: OutboxConfiguration(path: outbox, fsync: policy)
            ),
            logger: logger
        )
        var service: Task<Void, Never>? = enqueueFirst ? nil : Task { await connector.run() }
        let start = Self.now()
        for n in 0..<count {
            try connector.publish(
                connector.model.event("outbox_demo", text: String(n), time: Connector.wallClock()),
                priority: .telemetry,
                sequenced: true
            )
            if intervalUs > 0 { usleep(UInt32(intervalUs)) }
        }
        let enqueued = Self.now()
        if service == nil { service = Task { await connector.run() } }
        while connector.outbox.statistics.pendingMessages > 0 {
            guard Self.now() - start < Double(timeout) else {
                throw ValidationError(
                    "outbox still holds \(connector.outbox.statistics.pendingMessages) messages after \(timeout) s"
                )
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let drained = Self.now()
        service?.cancel()
        await service?.value
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let rate = Double(count) / max(drained - start, 1e-9)
        print(
            "outbox-demo: \(count) events, enqueued in \(Self.format(enqueued - start)), drained in \(Self.format(drained - start)), "
                + "\(Int(rate)) msg/s, fsync \(policy.rawValue), max RSS \(usage.ru_maxrss / 1024) MiB"
        )
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    static func format(_ seconds: Double) -> String { "\(Int(seconds * 1000)) ms" }
}
