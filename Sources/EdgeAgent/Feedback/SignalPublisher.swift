import EdgeCloud
import EdgeFlows
import Foundation
import Logging

/// A flow's `signal` output (line stop, reject, a stack light) goes to the line's controller
/// over the local broker: `edgemlops/<device>/signal/<name>`, QoS 1, not retained, payload
/// `{"name", "value", "flow", "node", "time"}`. A PLC gateway (Node-RED, a Modbus bridge)
/// subscribes there. Signals bypass the outbox on purpose: a line stop delivered minutes late,
/// after the broker came back, would stop a line that is fine by then. A signal that cannot
/// be sent now is logged as an error instead.
public struct SignalPublisher: Sendable {
    public let client: MQTTClient
    public let device: String
    let logger: Logger

    public init(client: MQTTClient, device: String, logger: Logger) {
        self.client = client
        self.device = device
        self.logger = logger
    }

    public static func topic(device: String, name: String) -> String { "edgemlops/\(device)/signal/\(name)" }

    /// Signal names become a topic level: letters, digits, `_`, `-`, `.`, 1…64 bytes.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)
            }
    }

    /// Sends the signal now; false (and an error logged) when it cannot be sent.
    @discardableResult
    public func publish(_ output: FlowOutput) -> Bool {
        let fields = output.fields
        let context: Logger.Metadata = ["flow": "\(output.flow)", "flow.node": "\(output.node)"]
        guard let name = fields["name"]?.stringValue, Self.isValidName(name) else {
            logger.error(
                "signal not sent: its name must be 1-64 letters, digits, '_', '-' or '.'",
                metadata: context.merging(["signal.name": "\(FlowJSON.encode(fields["name"] ?? .nil))"]) { $1 })
            return false
        }
        let payload: LuaValue = .table([
            .string("name"): .string(name), .string("value"): fields["value"] ?? .nil,
            .string("flow"): .string(output.flow), .string("node"): .string(output.node),
            .string("time"): .number(Connector.wallClock()),
        ])
        let topic = Self.topic(device: device, name: name)
        do {
            guard client.isConnected else { throw MQTTError(code: .disconnected, message: "broker unreachable") }
            _ = try client.publish(MQTTMessage(topic: topic, payload: Array(FlowJSON.encode(payload).utf8), qos: .atLeastOnce))
            logger.info("signal sent", metadata: context.merging(["signal.topic": "\(topic)"]) { $1 })
            return true
        } catch {
            logger.error("signal not sent", metadata: context.merging(["signal.topic": "\(topic)", "error": "\(error)"]) { $1 })
            return false
        }
    }
}
