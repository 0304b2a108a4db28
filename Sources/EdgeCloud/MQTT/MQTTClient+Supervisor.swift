import CMosquitto
import Logging
import Synchronization

// libmosquitto's loop_forever reconnects after ordinary connection losses but *returns* on errors
// it considers fatal — a failed TLS handshake (wrong CA, expired certificate), an unresolvable
// host name (EAI), protocol errors — and the network thread is then gone for good. The
// supervisor notices a client that stayed disconnected through a whole interval and starts a
// fresh thread, so a fixed certificate, DNS or network comes back without restarting the agent.

extension MQTTClient {
    /// Seconds between supervisor checks: the reconnect cap (so a healthy thread in backoff has had
    /// its chance), at least 2.
    var supervisorIntervalSeconds: Int { max(2, configuration.reconnectDelayMaximumSeconds) }

    func startSupervisor() {
        let interval = supervisorIntervalSeconds
        let task = Task { [weak self] in
            var seen = -1
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                guard let self, !Task.isCancelled else { return }
                let (connected, count, active) = self.core.state.withLock {
                    ($0.connected, $0.connectionCount, $0.loopStarted && !$0.disconnecting)
                }
                defer { seen = count }
                guard active, !connected, count == seen else { continue }
                self.restartNetworkThread()
            }
        }
        core.state.withLock { state in
            state.supervisor?.cancel()
            state.supervisor = task
        }
    }

    /// Stops whatever is left of the network thread and starts a new connection attempt.
    func restartNetworkThread() {
        // disconnect marks the client as leaving so a live thread exits its loop; stopping a thread
        // that already quit only joins it.
        mosquitto_disconnect(handle)
        mosquitto_loop_stop(handle, false)
        let restarts = core.state.withLock { state -> Int in
            state.restarts += 1
            return state.restarts
        }
        let rc = mosquitto_connect_async(
            handle,
            configuration.host,
            Int32(configuration.port),
            Int32(configuration.keepAliveSeconds)
        )
        let startRC = mosquitto_loop_start(handle)
        logger.debug(
            "MQTT network thread restarted",
            metadata: [
                "mqtt.address": "\(configuration.address)", "mqtt.restarts": "\(restarts)",
                "mqtt.connect_rc": "\(rc)", "mqtt.start_rc": "\(startRC)",
            ]
        )
    }

    /// How often the supervisor had to start a new network thread.
    public var networkThreadRestarts: Int { core.state.withLock { $0.restarts } }
}
