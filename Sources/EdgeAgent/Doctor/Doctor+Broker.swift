import EdgeCloud

extension Doctor {
    /// Whether an MQTT broker accepts a connection at the configured address.
    ///
    /// Unreachable is a warning, not a failure: the agent buffers results until it can deliver.
    func brokerCheck() async -> DoctorCheck {
        let address = "\(configuration.brokerHost):\(configuration.brokerPort)"
        let client: MQTTClient
        do {
            client = try MQTTClient(
                configuration: MQTTConfiguration(
                    host: configuration.brokerHost,
                    port: configuration.brokerPort,
                    clientID: "edgemlops-doctor-\(ProcessIdentity.pid)",
                    reconnectDelaySeconds: 60
                ),
                logger: logger
            )
        } catch {
            return DoctorCheck(category: "mqtt", name: "broker", status: .failure, detail: "\(error)")
        }
        defer { client.disconnect() }
        do {
            try await client.connect(timeout: configuration.brokerTimeout)
            return DoctorCheck(category: "mqtt", name: "broker", status: .ok, detail: "\(address) accepted a connection")
        } catch {
            return DoctorCheck(
                category: "mqtt",
                name: "broker",
                status: .warning,
                detail: error.message,
                hint: "start thin-edge's mosquitto (systemctl start mosquitto) or pass --broker HOST:PORT; results are buffered meanwhile"
            )
        }
    }
}
