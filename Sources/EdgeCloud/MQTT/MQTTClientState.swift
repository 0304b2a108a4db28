import Logging
import Synchronization

/// The part of a client that libmosquitto's callbacks reach (through the `obj` pointer).
final class MQTTClientCore: Sendable {
    let state: Mutex<MQTTClientState>
    let logger: Logger

    init(state: MQTTClientState, logger: Logger) {
        self.state = Mutex(state)
        self.logger = logger
    }
}

typealias MQTTWaiter = CheckedContinuation<Result<Void, MQTTError>, Never>

/// Mutable client state, always accessed under the core's mutex.
struct MQTTClientState {
    let eventContinuation: AsyncStream<MQTTEvent>.Continuation
    var started = false
    var connected = false
    var disconnecting = false
    /// Retries a first connect that failed at once (see ``MQTTClient/connect(timeout:)``).
    var connectRetry: Task<Void, Never>?
    /// Restarts libmosquitto's network thread when it has quit for good (see MQTTClient+Supervisor).
    var supervisor: Task<Void, Never>?
    /// True while a network thread started by us may be running.
    var loopStarted = false
    /// Successful connections so far; the supervisor restarts only if none happened in its interval.
    var connectionCount = 0
    /// Network threads the supervisor had to restart.
    var restarts = 0
    /// Set when the broker refused us; waiting for a connection fails fast with it.
    var refusal: MQTTError?
    var nextWaiterID: UInt64 = 0

    var connectWaiters: [UInt64: MQTTWaiter] = [:]
    var publishWaiters: [Int32: (id: UInt64, waiter: MQTTWaiter)] = [:]
    var subscribeWaiters: [Int32: (id: UInt64, waiter: MQTTWaiter)] = [:]
    /// Acknowledgements that arrived before the publisher registered its wait (mid is only
    /// known after mosquitto_publish returns). The gap is microseconds, so a short ring suffices;
    /// a message id comes round again only after 65,535 more messages.
    var recentPublishAcks = AckRing()
    var recentSubscribeAcks = AckRing()
    var subscriptions: [UInt64: (filter: String, qos: MQTTQoS, continuation: AsyncStream<MQTTMessage>.Continuation)] =
        [:]
    /// Connections accepted so far; from the second on, subscriptions are renewed (the broker
    /// may have lost our session with its restart).
    var connections = 0

    init(eventContinuation: AsyncStream<MQTTEvent>.Continuation) {
        self.eventContinuation = eventContinuation
    }

    mutating func makeWaiterID() -> UInt64 {
        nextWaiterID &+= 1
        return nextWaiterID
    }

    mutating func failWaiters(_ error: MQTTError) {
        for waiter in connectWaiters.values { waiter.resume(returning: .failure(error)) }
        connectWaiters.removeAll()
        for entry in publishWaiters.values { entry.waiter.resume(returning: .failure(error)) }
        publishWaiters.removeAll()
        for entry in subscribeWaiters.values { entry.waiter.resume(returning: .failure(error)) }
        subscribeWaiters.removeAll()
    }

    /// Fails every waiter and hands back the streams to finish. The caller finishes them after
    /// releasing the lock: finishing runs `onTermination`, which takes the lock again.
    mutating func close(_ error: MQTTError) -> [AsyncStream<MQTTMessage>.Continuation] {
        failWaiters(error)
        let streams = subscriptions.values.map(\.continuation)
        subscriptions.removeAll()
        return streams
    }
}

/// The last few message ids acknowledged without a waiter.
struct AckRing {
    private var ids = [Int32](repeating: 0, count: 256)
    private var next = 0

    mutating func record(_ id: Int32) {
        ids[next] = id
        next = (next + 1) % ids.count
    }

    /// Removes `id` if present and says whether it was.
    mutating func claim(_ id: Int32) -> Bool {
        guard let index = ids.firstIndex(of: id), id != 0 else { return false }
        ids[index] = 0
        return true
    }
}
