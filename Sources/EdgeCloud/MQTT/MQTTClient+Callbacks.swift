import CMosquitto
import Logging
import Synchronization

// libmosquitto calls these on its network thread. They are nonisolated C functions (never
// closures from main.swift, which would be main-actor isolated and trap off the main thread),
// take the core from `obj`, record state under the mutex and yield into streams. Never block.

extension MQTTClient {
    func installCallbacks() {
        mosquitto_connect_callback_set(handle) { mosq, obj, rc in
            guard let core = MQTTClientCore.from(obj) else { return }
            let event: MQTTEvent
            if rc == 0 {
                event = .connected
                let renew = core.state.withLock { state in
                    state.connections += 1
                    guard state.connections > 1 else { return [(String, MQTTQoS)]() }
                    var seen = Set<String>()
                    return state.subscriptions.values.filter { seen.insert($0.filter).inserted }.map {
                        ($0.filter, $0.qos)
                    }
                }
                // A broker restarted without persistence forgot us; subscribing again is harmless otherwise.
                for (filter, qos) in renew { _ = mosquitto_subscribe(mosq, nil, filter, qos.rawValue) }
                core.state.withLock { state in
                    state.connected = true
                    state.connectionCount += 1
                    state.refusal = nil
                    for waiter in state.connectWaiters.values { waiter.resume(returning: .success(())) }
                    state.connectWaiters.removeAll()
                }
            } else {
                let reason = String(cString: mosquitto_connack_string(rc))
                event = .refused(code: rc, reason: reason)
                let error = MQTTError(
                    code: .refused,
                    message: "MQTT broker refused the connection: \(reason)",
                    libraryCode: rc
                )
                core.state.withLock { state in
                    state.refusal = error
                    for waiter in state.connectWaiters.values { waiter.resume(returning: .failure(error)) }
                    state.connectWaiters.removeAll()
                }
                core.logger.debug(
                    "MQTT connection refused",
                    metadata: ["mqtt.connack": "\(rc)", "mqtt.reason": "\(reason)"]
                )
            }
            core.state.withLock { $0.eventContinuation }.yield(event)
        }
        mosquitto_disconnect_callback_set(handle) { _, obj, rc in
            guard let core = MQTTClientCore.from(obj) else { return }
            let expected = core.state.withLock { state -> Bool in
                state.connected = false
                return state.disconnecting
            }
            core.state.withLock { $0.eventContinuation }.yield(.disconnected(code: rc, expected: expected))
        }
        mosquitto_publish_callback_set(handle) { _, obj, mid in
            guard let core = MQTTClientCore.from(obj) else { return }
            core.state.withLock { state in
                if let entry = state.publishWaiters.removeValue(forKey: mid) {
                    entry.waiter.resume(returning: .success(()))
                } else {
                    state.recentPublishAcks.record(mid)
                }
            }
            core.state.withLock { $0.eventContinuation }.yield(.published(messageID: mid))
        }
        mosquitto_subscribe_callback_set(handle) { _, obj, mid, count, granted in
            guard let core = MQTTClientCore.from(obj) else { return }
            // 0x80 in a granted QoS means the broker refused that filter.
            let refused = (0..<Int(count)).contains { granted?[$0] == 0x80 }
            core.state.withLock { state in
                if let entry = state.subscribeWaiters.removeValue(forKey: mid) {
                    entry.waiter.resume(
                        returning: refused
                            ? .failure(MQTTError(code: .subscribe, message: "MQTT broker refused the subscription"))
                            : .success(())
                    )
                } else if !refused {
                    state.recentSubscribeAcks.record(mid)
                }
            }
        }
        mosquitto_message_callback_set(handle) { _, obj, raw in
            guard let core = MQTTClientCore.from(obj), let raw else { return }
            let topic = String(cString: raw.pointee.topic)
            let payload: [UInt8] =
                raw.pointee.payloadlen > 0 && raw.pointee.payload != nil
                ? Array(UnsafeRawBufferPointer(start: raw.pointee.payload, count: Int(raw.pointee.payloadlen)))
                : []
            let message = MQTTMessage(
                topic: topic,
                payload: payload,
                qos: MQTTQoS(rawValue: raw.pointee.qos) ?? .atMostOnce,
                retain: raw.pointee.retain
            )
            let targets = core.state.withLock { state in
                state.subscriptions.values.filter { MQTTTopic.matches(filter: $0.filter, topic: topic) }
                    .map(\.continuation)
            }
            for target in targets { target.yield(message) }
        }
    }
}

extension MQTTClientCore {
    static func from(_ obj: UnsafeMutableRawPointer?) -> MQTTClientCore? {
        guard let obj else { return nil }
        return Unmanaged<MQTTClientCore>.fromOpaque(obj).takeUnretainedValue()
    }
}
