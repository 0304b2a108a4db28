import EdgeCloud
import EdgeFlows
import Logging
import Synchronization

/// The agent's thin-edge operations on its service topic
/// `te/device/main/service/edgemlops/cmd/<op>/<id>`: `model_activate`, `image_capture`,
/// `flow_reload`.
///
/// Runs on the ``Connector``: it subscribes through the agent's MQTT client, announces each
/// operation as a retained `{}` capability, and drives the status lifecycle
/// (`init` → `executing` → `successful` | `failed` with `reason`). This type adds the work and
/// replay safety: command instances are retained, so after a reconnect the same `init` can
/// arrive again; a command id already run answers with its recorded outcome instead of running
/// twice.
public final class OperationsHandler: Sendable {
    public static let modelActivate = "model_activate"
    public static let imageCapture = "image_capture"
    public static let flowReload = "flow_reload"

    /// The store-served models, one host per model name; `model_activate` picks one by the
    /// payload's `name` (optional when there is only one).
    public let hosts: [ModelHost]
    let capture: (@Sendable () async throws -> CapturedFrame)?
    let reloadFlows: (@Sendable () async throws -> String)?
    let spool: SampleSpool?
    let uploader: SampleUploader?
    let logger: Logger
    /// Outcomes by command topic, for replays. Bounded: old entries are dropped first.
    let outcomes = Mutex<[(topic: String, outcome: Result<[String: LuaValue], OperationFailure>)]>([])
    static let rememberedCommands = 256

    /// - Parameters:
    ///   - capture: takes one frame now (the agent's camera and preprocessor); nil disables `image_capture`.
    ///   - reloadFlows: reloads the flow files and returns a summary; nil disables `flow_reload`.
    ///   - spool, uploader: where captured images go; the uploader sends them right away when it can.
    public convenience init(
        host: ModelHost,
        capture: (@Sendable () async throws -> CapturedFrame)? = nil,
        reloadFlows: (@Sendable () async throws -> String)? = nil,
        spool: SampleSpool? = nil,
        uploader: SampleUploader? = nil,
        logger: Logger
    ) {
        self.init(hosts: [host], capture: capture, reloadFlows: reloadFlows, spool: spool, uploader: uploader, logger: logger)
    }

    /// One handler for several models (an agent with pipelines on different store models): the
    /// connector keeps one handler per operation, so the dispatch by model name happens here.
    /// `hosts` must not be empty; hosts of the same name are given once.
    public init(
        hosts: [ModelHost],
        capture: (@Sendable () async throws -> CapturedFrame)? = nil,
        reloadFlows: (@Sendable () async throws -> String)? = nil,
        spool: SampleSpool? = nil,
        uploader: SampleUploader? = nil,
        logger: Logger
    ) {
        precondition(!hosts.isEmpty, "OperationsHandler needs at least one model host")
        var seen = Set<String>()
        self.hosts = hosts.filter { seen.insert($0.name).inserted }
        self.capture = capture
        self.reloadFlows = reloadFlows
        self.spool = spool ?? uploader?.spool
        self.uploader = uploader
        self.logger = logger
    }

    /// Registers the operations this handler can serve; call before `connector.run()`.
    public func register(on connector: Connector) {
        connector.register(operation: Self.modelActivate) { try await self.run($0, self.activateModel) }
        if capture != nil {
            connector.register(operation: Self.imageCapture) { try await self.run($0, self.captureImage) }
        }
        if reloadFlows != nil {
            connector.register(operation: Self.flowReload) { try await self.run($0, self.reloadFlowFiles) }
        }
    }

    /// Runs `body` once per command topic; replays get the recorded outcome.
    func run(
        _ command: ThinEdgeCommand,
        _ body: (ThinEdgeCommand) async throws(OperationFailure) -> [String: LuaValue]
    ) async throws(OperationFailure) -> [String: LuaValue] {
        if let previous = outcomes.withLock({ $0.last { $0.topic == command.topic }?.outcome }) {
            logger.info("replayed command answered from its first run", metadata: ["command.topic": "\(command.topic)"])
            return try previous.get()
        }
        let outcome: Result<[String: LuaValue], OperationFailure>
        do {
            outcome = .success(try await body(command))
        } catch {
            outcome = .failure(error)
        }
        outcomes.withLock {
            $0.append((command.topic, outcome))
            if $0.count > Self.rememberedCommands { $0.removeFirst($0.count - Self.rememberedCommands) }
        }
        return try outcome.get()
    }

    /// The payload field `name` as a string, nil when absent.
    static func string(_ command: ThinEdgeCommand, _ name: String) throws(OperationFailure) -> String? {
        guard let value = command.fields[name] else { return nil }
        guard case .string(let text) = value else {
            throw OperationFailure("must be a string, got \(value.typeName)", field: name)
        }
        return text
    }

    /// The host a command addresses: the one named by the payload's `name`, or the only one.
    func host(for command: ThinEdgeCommand) throws(OperationFailure) -> ModelHost {
        let served = hosts.map { "'\($0.name)'" }.joined(separator: ", ")
        guard let name = try Self.string(command, "name") else {
            guard hosts.count == 1 else {
                throw OperationFailure("is required: this agent serves models \(served)", field: "name")
            }
            return hosts[0]
        }
        guard let host = hosts.first(where: { $0.name == name }) else {
            throw OperationFailure(
                "this agent serves model\(hosts.count == 1 ? "" : "s") \(served), not '\(name)'", field: "name")
        }
        return host
    }

    static func describe(_ info: ModelInfo) -> [String: LuaValue] {
        ["model": .string(info.name), "version": .string(info.version), "sha256": .string(info.sha256)]
    }
}
