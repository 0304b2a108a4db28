import EdgeTestSupport
import Foundation
import Logging
import Testing

@testable import EdgeCloud

/// A CA, a broker certificate for 127.0.0.1 and a client certificate, made with openssl per test run.
struct TestCertificates {
    let directory: URL
    var ca: String { directory.appendingPathComponent("ca.pem").path }
    var otherCA: String { directory.appendingPathComponent("other-ca.pem").path }
    var serverCertificate: String { directory.appendingPathComponent("server.pem").path }
    var serverKey: String { directory.appendingPathComponent("server.key").path }
    var clientCertificate: String { directory.appendingPathComponent("client.pem").path }
    var clientKey: String { directory.appendingPathComponent("client.key").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("edgemlops-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "subjectAltName=IP:127.0.0.1\n".write(
            to: directory.appendingPathComponent("san.ext"),
            atomically: true,
            encoding: .utf8
        )
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=edgemlops test CA",
            ]
        )
        try openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "1", "-subj", "/CN=someone else",
            ]
        )
        for (name, subject) in [("server", "/CN=127.0.0.1"), ("client", "/CN=edgemlops")] {
            try openssl(["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
            try openssl([
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "\(name).pem", "-days", "1", "-extfile", "san.ext",
            ])
        }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    private func openssl(_ arguments: [String]) throws {
        let log = directory.appendingPathComponent("openssl.log").path
        let candidates = ["/usr/bin/openssl", "/usr/local/bin/openssl"]
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw FixtureFailure(
                description: "openssl not found: run packaging/install-deps.sh (Debian package 'openssl')"
            )
        }
        // openssl writes its files relative to the working directory: pass absolute paths instead.
        let absolute = arguments.map {
            $0.contains(".") && !$0.hasPrefix("/") && !$0.contains("=") && !$0.contains(":")
                ? directory.appendingPathComponent($0).path : $0
        }
        let child = try ChildProcess(executable: executable, arguments: absolute, outputPath: log)
        let status = child.wait()
        guard status == 0 else {
            throw FixtureFailure(
                description:
                    "openssl \(arguments.joined(separator: " ")) failed: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")"
            )
        }
    }
}

@Suite("MQTT over TLS with certificates made at test time", .serialized, .timeLimit(.minutes(1)))
struct MQTTTLSTests {
    let logger = Logger(label: "test.tls")

    func broker(_ certificates: TestCertificates) throws -> MosquittoBroker {
        try MosquittoBroker(
            configuration: """
                cafile \(certificates.ca)
                certfile \(certificates.serverCertificate)
                keyfile \(certificates.serverKey)
                require_certificate true
                """
        )
    }

    func client(_ broker: MosquittoBroker, tls: MQTTConfiguration.TLS, id: String) throws -> MQTTClient {
        try MQTTClient(
            configuration: MQTTConfiguration(
                host: broker.host,
                port: broker.port,
                clientID: id,
                tls: tls,
                reconnectJitter: false
            ),
            logger: logger
        )
    }

    @Test("a client with the CA, a certificate and a key publishes and receives")
    func mutualTLS() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let broker = try broker(certificates)
        let tls = MQTTConfiguration.TLS(
            caFile: certificates.ca,
            certificateFile: certificates.clientCertificate,
            keyFile: certificates.clientKey
        )
        let client = try client(broker, tls: tls, id: "tls-client")
        try await client.connect()
        let subscription = try await client.subscribe("te/device/main/service/edgemlops/status/health")
        try await client.publish(
            MQTTMessage(topic: "te/device/main/service/edgemlops/status/health", payload: #"{"status":"up"}"#),
            timeout: .seconds(5)
        )
        var iterator = subscription.makeAsyncIterator()
        #expect(await iterator.next()?.payloadString == #"{"status":"up"}"#)
        client.disconnect()
    }

    @Test("a broker certificate from another CA is not accepted")
    func wrongCA() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let broker = try broker(certificates)
        let tls = MQTTConfiguration.TLS(
            caFile: certificates.otherCA,
            certificateFile: certificates.clientCertificate,
            keyFile: certificates.clientKey
        )
        let client = try client(broker, tls: tls, id: "tls-wrong-ca")
        await #expect(throws: MQTTError.self) { try await client.connect(timeout: .seconds(2)) }
        #expect(!client.isConnected)
        client.disconnect()
    }

    @Test("after a failed handshake the client keeps trying (libmosquitto's thread alone would quit)")
    func keepsTryingAfterTLSFailure() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let broker = try broker(certificates)
        let client = try MQTTClient(
            configuration: MQTTConfiguration(
                host: broker.host,
                port: broker.port,
                clientID: "tls-persistent",
                tls: MQTTConfiguration.TLS(
                    caFile: certificates.otherCA,
                    certificateFile: certificates.clientCertificate,
                    keyFile: certificates.clientKey
                ),
                reconnectDelaySeconds: 1,
                reconnectDelayMaximumSeconds: 1,
                reconnectJitter: false
            ),
            logger: logger
        )
        await #expect(throws: MQTTError.self) { try await client.connect(timeout: .seconds(1)) }
        // The supervisor checks every 2 s here; wait (generously: the test host may be loaded) until
        // it has started new attempts. Without it the broker sees exactly one.
        let deadline = ContinuousClock.now + .seconds(40)
        var attempts = 0
        while ContinuousClock.now < deadline {
            attempts = broker.log.components(separatedBy: "New connection from").count - 1
            if client.networkThreadRestarts >= 2 && attempts >= 3 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(client.networkThreadRestarts >= 2)
        #expect(attempts >= 3, "broker saw \(attempts) connection attempts")
        client.disconnect()
    }

    @Test("without a client certificate the broker refuses the handshake")
    func noClientCertificate() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let broker = try broker(certificates)
        let client = try client(broker, tls: MQTTConfiguration.TLS(caFile: certificates.ca), id: "tls-anonymous")
        await #expect(throws: MQTTError.self) { try await client.connect(timeout: .seconds(2)) }
        #expect(!client.isConnected)
        client.disconnect()
    }

    @Test("a missing certificate file is refused at creation, naming the file")
    func missingFile() throws {
        let tls = MQTTConfiguration.TLS(caFile: "/nonexistent/ca.pem")
        let error = #expect(throws: MQTTError.self) {
            try MQTTClient(configuration: MQTTConfiguration(clientID: "x", tls: tls), logger: logger)
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message.contains("/nonexistent/ca.pem") == true)
    }

    @Test("reconnect jitter stays within [d, 2d] and [cap, 1.25 cap]; off means libmosquitto's own values")
    func jitter() {
        let configuration = MQTTConfiguration(clientID: "j", reconnectDelaySeconds: 2, reconnectDelayMaximumSeconds: 40)
        for _ in 0..<100 {
            let (delay, cap) = MQTTClient.reconnectDelays(configuration)
            #expect((2...4).contains(delay))
            #expect((40...50).contains(cap))
        }
        let low = MQTTClient.reconnectDelays(configuration) { $0.lowerBound }
        #expect(low.delay == 2 && low.cap == 40)
        let high = MQTTClient.reconnectDelays(configuration) { $0.upperBound }
        #expect(high.delay == 4 && high.cap == 50)
        var plain = configuration
        plain.reconnectJitter = false
        #expect(MQTTClient.reconnectDelays(plain) { _ in 999 } == (2, 40))
    }
}
