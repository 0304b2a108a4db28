import CMosquitto
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An MQTT client over libmosquitto.
///
/// libmosquitto runs its own network thread (`mosquitto_loop_start`), which also reconnects
/// with exponential backoff after a connection loss. Its callbacks run on that thread and only
/// record state and enqueue into async streams; nothing here blocks it.
///
/// Publishing, subscribing and disconnecting are safe from any task: libmosquitto's threaded
/// mode guards its own state, and ours lives in a `Mutex`.
public final class MQTTClient: @unchecked Sendable {
    // @unchecked: `handle` is only used through libmosquitto calls that are thread-safe in threaded mode.
    let handle: OpaquePointer
    let configuration: MQTTConfiguration
    let logger: Logger
    /// What the callbacks touch. It outlives the network thread: released only after loop_stop.
    let core: MQTTClientCore
    private let context: Unmanaged<MQTTClientCore>

    /// Connection events, in order. Meant for one consumer (usually the service that owns the client).
    public let events: AsyncStream<MQTTEvent>

    /// Creates a client; nothing touches the network until ``connect(timeout:)``.
    public init(configuration: MQTTConfiguration, logger: Logger) throws(MQTTError) {
        MQTTLibrary.initialize()
        guard !configuration.clientID.isEmpty else {
            throw MQTTError(code: .invalidArgument, message: "MQTT client id must not be empty")
        }
        guard (1...65535).contains(configuration.port) else {
            throw MQTTError(code: .invalidArgument, message: "MQTT port \(configuration.port) is outside 1...65535")
        }
        let (events, continuation) = AsyncStream.makeStream(of: MQTTEvent.self, bufferingPolicy: .bufferingNewest(1024))
        self.events = events
        self.configuration = configuration
        self.logger = logger
        let core = MQTTClientCore(state: MQTTClientState(eventContinuation: continuation), logger: logger)
        self.core = core
        let context = Unmanaged.passRetained(core)
        guard let handle = mosquitto_new(configuration.clientID, configuration.cleanSession, context.toOpaque()) else {
            context.release()
            throw MQTTError(code: .library, message: "mosquitto_new failed for client '\(configuration.clientID)'")
        }
        // Configured before `self` is complete: a throw after that would run deinit, which
        // would destroy the handle and release the context a second time.
        do {
            try Self.configure(handle, configuration, logger)
        } catch {
            mosquitto_destroy(handle)
            context.release()
            core.state.withLock { $0.eventContinuation }.finish()
            throw error
        }
        self.handle = handle
        self.context = context
        installCallbacks()
    }

    deinit {
        core.state.withLock {
            $0.connectRetry?.cancel()
            $0.supervisor?.cancel()
        }
        mosquitto_disconnect(handle)
        mosquitto_loop_stop(handle, false)
        mosquitto_destroy(handle)
        let streams = core.state.withLock {
            $0.close(MQTTError(code: .disconnected, message: "MQTT client was released"))
        }
        for stream in streams { stream.finish() }
        core.state.withLock { $0.eventContinuation }.finish()
        context.release()
    }

    private static func configure(_ handle: OpaquePointer, _ configuration: MQTTConfiguration, _ logger: Logger)
        throws(MQTTError)
    {
        _ = mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V311))
        let (delay, cap) = Self.reconnectDelays(configuration)
        check(mosquitto_reconnect_delay_set(handle, delay, cap, true), "reconnect delay", logger)
        if configuration.username != nil || configuration.password != nil {
            let rc = mosquitto_username_pw_set(handle, configuration.username, configuration.password)
            guard rc == cmosq_err_success else { throw .library(.invalidArgument, rc, "MQTT credentials") }
        }
        if let will = configuration.will {
            let rc = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set(
                    handle,
                    will.topic,
                    Int32(bytes.count),
                    bytes.baseAddress,
                    will.qos.rawValue,
                    will.retain
                )
            }
            guard rc == cmosq_err_success else {
                throw .library(.invalidArgument, rc, "MQTT last will on '\(will.topic)'")
            }
        }
        if let tls = configuration.tls {
            let rc = mosquitto_tls_set(handle, tls.caFile, nil, tls.certificateFile, tls.keyFile, nil)
            guard rc == cmosq_err_success else {
                throw .library(
                    .invalidArgument,
                    rc,
                    "MQTT TLS files (ca \(tls.caFile), cert \(tls.certificateFile ?? "-"), key \(tls.keyFile ?? "-"))"
                )
            }
        }
    }

    /// First delay and cap for libmosquitto's exponential backoff, jittered once per client.
    static func reconnectDelays(
        _ configuration: MQTTConfiguration,
        random: (ClosedRange<UInt32>) -> UInt32 = { UInt32.random(in: $0) }
    ) -> (delay: UInt32, cap: UInt32) {
        var delay = UInt32(max(1, configuration.reconnectDelaySeconds))
        var cap = UInt32(max(Int(delay), configuration.reconnectDelayMaximumSeconds))
        if configuration.reconnectJitter {
            delay = random(delay...(2 * delay))
            cap = max(delay, random(cap...(cap + cap / 4)))
        }
        return (delay, cap)
    }

    private static func check(_ rc: Int32, _ doing: String, _ logger: Logger) {
        if rc != cmosq_err_success {
            logger.debug("libmosquitto option not applied", metadata: ["mqtt.option": "\(doing)", "mqtt.rc": "\(rc)"])
        }
    }

    /// Whether the broker has accepted the connection and it has not dropped since.
    public var isConnected: Bool { core.state.withLock { $0.connected } }

    /// Connects and starts the network thread; returns once the broker accepted the connection.
    ///
    /// If the broker is down, libmosquitto keeps retrying in the background after this throws
    /// ``MQTTError/Code/timeout``; messages published meanwhile wait in its queue (QoS > 0).
    public func connect(timeout: Duration = .seconds(5)) async throws(MQTTError) {
        let alreadyStarted = core.state.withLock { state -> Bool in
            defer { state.started = true }
            return state.started
        }
        if !alreadyStarted {
            let rc = mosquitto_connect_async(
                handle,
                configuration.host,
                Int32(configuration.port),
                Int32(configuration.keepAliveSeconds)
            )
            if rc == cmosq_err_success {
                try startLoop()
            } else {
                // libmosquitto's thread never retries a first connect that failed at once (broker
                // not up yet at boot): retry it here, with the same backoff, then start the thread.
                retryFirstConnect()
                throw .library(.connect, rc, "connecting to MQTT broker \(configuration.address)")
            }
        }
        try await waitForConnection(timeout: timeout)
    }

    func startLoop() throws(MQTTError) {
        let startRC = mosquitto_loop_start(handle)
        guard startRC == cmosq_err_success else {
            throw .library(.library, startRC, "starting the MQTT network thread")
        }
        core.state.withLock { $0.loopStarted = true }
        startSupervisor()
    }

    private func retryFirstConnect() {
        let (first, cap) = Self.reconnectDelays(configuration)
        let task = Task { [weak self] in
            var delay = first
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(Int(delay)))
                guard let self, !Task.isCancelled else { return }
                // No network thread runs yet, so nothing else touches the handle.
                let rc = mosquitto_connect_async(
                    self.handle,
                    self.configuration.host,
                    Int32(self.configuration.port),
                    Int32(self.configuration.keepAliveSeconds)
                )
                if rc == cmosq_err_success {
                    do {
                        try self.startLoop()
                    } catch {
                        self.logger.error("MQTT network thread did not start", metadata: ["mqtt.error": "\(error)"])
                    }
                    return
                }
                self.logger.debug(
                    "MQTT connect retry failed",
                    metadata: ["mqtt.rc": "\(rc)", "mqtt.delay_s": "\(delay)"]
                )
                delay = min(cap, delay * 2)
            }
        }
        core.state.withLock { $0.connectRetry = task }
    }

    /// Waits until the client is connected (again), or throws after `timeout`.
    public func waitForConnection(timeout: Duration) async throws(MQTTError) {
        let result: Result<Void, MQTTError> = await withTimeout(timeout) { id, continuation in
            self.core.state.withLock { state in
                if state.connected {
                    continuation.resume(returning: .success(()))
                } else if let refusal = state.refusal {
                    continuation.resume(returning: .failure(refusal))
                } else {
                    state.connectWaiters[id] = continuation
                }
            }
        } onTimeout: { id in
            self.core.state.withLock { $0.connectWaiters.removeValue(forKey: id) }
        } timeoutError: {
            MQTTError(
                code: .timeout,
                message: "MQTT broker \(self.configuration.address) did not accept a connection within \(timeout)"
            )
        }
        try result.get()
    }

    /// Sends DISCONNECT and stops the network thread. Pending waits fail with ``MQTTError/Code/disconnected``.
    public func disconnect() {
        core.state.withLock {
            $0.disconnecting = true
            $0.connectRetry?.cancel()
            $0.connectRetry = nil
            $0.supervisor?.cancel()
            $0.supervisor = nil
        }
        mosquitto_disconnect(handle)
        mosquitto_loop_stop(handle, false)
        core.state.withLock {
            $0.connected = false
            $0.started = false
            $0.loopStarted = false
            $0.failWaiters(MQTTError(code: .disconnected, message: "MQTT client disconnected"))
        }
    }
}

extension MQTTClient {
    /// Cuts the TCP connection without DISCONNECT, as a crash or cable pull would (tests use it).
    func simulateConnectionLoss() {
        let fd = mosquitto_socket(handle)
        if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
    }
}

/// libmosquitto wants one process-wide initialisation before any client exists.
public enum MQTTLibrary {
    private static let initialized: Bool = {
        mosquitto_lib_init()
        return true
    }()

    static func initialize() { _ = initialized }

    /// The linked library's version, e.g. "2.0.11".
    public static var version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        mosquitto_lib_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
