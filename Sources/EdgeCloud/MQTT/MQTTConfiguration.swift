/// How to reach and identify with a broker.
///
/// Keys when read from configuration: `host` (default "127.0.0.1"), `port` (default 1883, 8883 with TLS),
/// `client_id`, `keepalive_s` (default 60), `clean_session` (default true), `username`, `password`,
/// `tls.ca_file`, `tls.cert_file`, `tls.key_file`. A persistent session is `clean_session = false`
/// with a fixed `client_id`: the broker then keeps our subscriptions and queued QoS>0 messages.
public struct MQTTConfiguration: Sendable, Hashable {
    public struct TLS: Sendable, Hashable {
        /// PEM file with the certificate authorities that sign the broker's certificate.
        public var caFile: String
        /// Client certificate and key (PEM) for brokers that authenticate clients by certificate.
        public var certificateFile: String?
        public var keyFile: String?

        public init(caFile: String, certificateFile: String? = nil, keyFile: String? = nil) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    public var host: String
    public var port: Int
    public var clientID: String
    public var keepAliveSeconds: Int
    /// False asks the broker to keep subscriptions and queued QoS>0 messages while we are away.
    public var cleanSession: Bool
    public var username: String?
    public var password: String?
    /// Published by the broker if the connection drops without a DISCONNECT.
    public var will: MQTTMessage?
    public var tls: TLS?
    /// Reconnect backoff: first delay and cap, doubled each attempt.
    public var reconnectDelaySeconds: Int
    public var reconnectDelayMaximumSeconds: Int
    /// Spreads reconnects of many devices after a broker restart. libmosquitto's backoff has no
    /// per-attempt jitter, so each client draws its first delay from `[d, 2d]` and its cap from
    /// `[cap, 1.25 cap]` once, at creation: a fleet then retries out of step.
    public var reconnectJitter: Bool

    public init(
        host: String = "127.0.0.1",
        port: Int = 1883,
        clientID: String,
        keepAliveSeconds: Int = 60,
        cleanSession: Bool = true,
        username: String? = nil,
        password: String? = nil,
        will: MQTTMessage? = nil,
        tls: TLS? = nil,
        reconnectDelaySeconds: Int = 1,
        reconnectDelayMaximumSeconds: Int = 30,
        reconnectJitter: Bool = true
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.keepAliveSeconds = keepAliveSeconds
        self.cleanSession = cleanSession
        self.username = username
        self.password = password
        self.will = will
        self.tls = tls
        self.reconnectDelaySeconds = reconnectDelaySeconds
        self.reconnectDelayMaximumSeconds = reconnectDelayMaximumSeconds
        self.reconnectJitter = reconnectJitter
    }

    /// `host:port`, for messages.
    public var address: String { "\(host):\(port)" }
}
