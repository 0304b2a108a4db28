import CMosquitto
import Logging
import Synchronization

extension MQTTClient {
    /// Queues a message and returns its message id without waiting.
    ///
    /// QoS 1 and 2 messages queued while disconnected are sent after reconnection by libmosquitto.
    @discardableResult
    public func publish(_ message: MQTTMessage) throws(MQTTError) -> Int32 {
        try MQTTTopic.validatePublish(message.topic)
        var mid: Int32 = 0
        let rc = message.payload.withUnsafeBytes { bytes in
            mosquitto_publish(
                handle,
                &mid,
                message.topic,
                Int32(bytes.count),
                bytes.baseAddress,
                message.qos.rawValue,
                message.retain
            )
        }
        guard rc == cmosq_err_success else {
            throw .library(.publish, rc, "publishing \(message.payload.count) bytes to '\(message.topic)'")
        }
        return mid
    }

    /// Publishes and waits until the broker acknowledges it (QoS 1/2) or it is written (QoS 0).
    public func publish(_ message: MQTTMessage, timeout: Duration) async throws(MQTTError) {
        let mid = try publish(message)
        let result: Result<Void, MQTTError> = await withTimeout(timeout) { id, continuation in
            self.core.state.withLock { state in
                if state.recentPublishAcks.claim(mid) {
                    continuation.resume(returning: .success(()))
                } else {
                    state.publishWaiters[mid] = (id, continuation)
                }
            }
        } onTimeout: { id in
            self.core.state.withLock { state in
                guard let entry = state.publishWaiters[mid], entry.id == id else { return nil }
                return state.publishWaiters.removeValue(forKey: mid)?.waiter
            }
        } timeoutError: {
            MQTTError(
                code: .timeout,
                message: "no acknowledgement for message \(mid) on '\(message.topic)' within \(timeout)"
            )
        }
        try result.get()
    }

    /// Subscribes to `filter` and returns the messages that match it.
    ///
    /// Local delivery starts before the SUBACK, so retained messages are never missed.
    public func subscribe(
        _ filter: String,
        qos: MQTTQoS = .atLeastOnce,
        timeout: Duration = .seconds(5)
    ) async throws(MQTTError) -> MQTTSubscription {
        try MQTTTopic.validateSubscribe(filter)
        let (stream, continuation) = AsyncStream.makeStream(of: MQTTMessage.self)
        let key = core.state.withLock { state in
            let key = state.makeWaiterID()
            state.subscriptions[key] = (filter, qos, continuation)
            return key
        }
        continuation.onTermination = { [core] _ in
            _ = core.state.withLock { $0.subscriptions.removeValue(forKey: key) }
        }
        var assignedID: Int32 = 0
        let rc = mosquitto_subscribe(handle, &assignedID, filter, qos.rawValue)
        guard rc == cmosq_err_success else {
            continuation.finish()
            throw .library(.subscribe, rc, "subscribing to '\(filter)'")
        }
        let mid = assignedID
        let result: Result<Void, MQTTError> = await withTimeout(timeout) { id, waiter in
            self.core.state.withLock { state in
                if state.recentSubscribeAcks.claim(mid) {
                    waiter.resume(returning: .success(()))
                } else {
                    state.subscribeWaiters[mid] = (id, waiter)
                }
            }
        } onTimeout: { id in
            self.core.state.withLock { state in
                guard let entry = state.subscribeWaiters[mid], entry.id == id else { return nil }
                return state.subscribeWaiters.removeValue(forKey: mid)?.waiter
            }
        } timeoutError: {
            MQTTError(code: .timeout, message: "no SUBACK for '\(filter)' within \(timeout)")
        }
        if case .failure(let error) = result {
            continuation.finish()
            throw error
        }
        return MQTTSubscription(filter: filter, stream: stream)
    }

    /// Removes a subscription at the broker.
    public func unsubscribe(_ filter: String) throws(MQTTError) {
        try MQTTTopic.validateSubscribe(filter)
        let rc = mosquitto_unsubscribe(handle, nil, filter)
        guard rc == cmosq_err_success else { throw .library(.subscribe, rc, "unsubscribing from '\(filter)'") }
    }

    /// Registers a waiter, arms a timer, and returns whichever resolves first.
    func withTimeout(
        _ timeout: Duration,
        register: (UInt64, MQTTWaiter) -> Void,
        onTimeout: @escaping @Sendable (UInt64) -> MQTTWaiter?,
        timeoutError: @escaping @Sendable () -> MQTTError
    ) async -> Result<Void, MQTTError> {
        let id = core.state.withLock { $0.makeWaiterID() }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            onTimeout(id)?.resume(returning: .failure(timeoutError()))
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { continuation in register(id, continuation) }
    }
}
