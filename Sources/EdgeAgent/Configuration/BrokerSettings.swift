/// `[broker]`: the local MQTT broker (normally thin-edge's mosquitto).
public struct BrokerSettings: Sendable, Hashable {
    public var host: String
    /// 1883 by default, 8883 when `tls` is true and no port is given.
    public var port: Int
    public var tls: Bool
    public var caFile: String?
    public var certificateFile: String?
    public var keyFile: String?
    public var clientID: String?
    public var username: String?
    public var password: String?
    public var keepAliveSeconds: Int

    public init(
        host: String = "127.0.0.1", port: Int = 1883, tls: Bool = false, caFile: String? = nil,
        certificateFile: String? = nil, keyFile: String? = nil, clientID: String? = nil,
        username: String? = nil, password: String? = nil, keepAliveSeconds: Int = 60
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientID = clientID
        self.username = username
        self.password = password
        self.keepAliveSeconds = keepAliveSeconds
    }
}
