import EdgeAgent
import EdgeCloud
import EdgeOps
import EdgeTestSupport
import EdgeVision
import Logging
import Synchronization

/// A client on the test broker that records every message under `filter`, for end-to-end
/// assertions on what the agent published.
final class BrokerObserver: Sendable {
    let client: MQTTClient
    let messages = Mutex<[MQTTMessage]>([])
    private let collector = Mutex<Task<Void, Never>?>(nil)

    private init(client: MQTTClient) {
        self.client = client
    }

    static func start(
        _ broker: MosquittoBroker, clientID: String = "observer", filter: String = "te/#", logger: Logger
    ) async throws -> BrokerObserver {
        let client = try MQTTClient(
            configuration: MQTTConfiguration(host: broker.host, port: broker.port, clientID: clientID), logger: logger)
        try await client.connect()
        let observer = BrokerObserver(client: client)
        let subscription = try await client.subscribe(filter)
        let task = Task { for await message in subscription { observer.messages.withLock { $0.append(message) } } }
        observer.collector.withLock { $0 = task }
        return observer
    }

    /// Payloads received on `topic`, oldest first.
    func payloads(_ topic: String) -> [String] {
        messages.withLock { $0.filter { $0.topic == topic }.map(\.payloadString) }
    }

    func stop() {
        collector.withLock { $0?.cancel() }
        client.disconnect()
    }
}

/// A backend that gives every frame the same verdict: these tests are about the agent's
/// plumbing; model accuracy is the training's.
final class FixedBackend: InferenceBackend {
    let label: String
    let score: Double
    let modelInfo: ModelInfo
    var modelName: String { modelInfo.name }

    init(label: String = "ok", score: Double = 0.99, model: ModelInfo = ModelInfo(name: "fixed", version: "1", sha256: "")) {
        self.label = label
        self.score = score
        self.modelInfo = model
    }

    func infer(_ frame: CameraFrame) throws(InferenceBackendError) -> InferenceResult {
        InferenceResult(label: label, score: score, scores: [label: score], latencyMilliseconds: 0.2)
    }
}
