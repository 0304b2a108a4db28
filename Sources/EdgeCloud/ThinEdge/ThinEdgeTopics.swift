/// Builds `te/` topics for one entity, following thin-edge.io's topic scheme.
///
/// Every topic is `<root>/<entity topic id>/<channel>[/<type>…]`. The root is configurable
/// (thin-edge's `mqtt.topic_root`, default `te`) so tests and odd installations can move it.
public struct ThinEdgeTopics: Sendable, Hashable {
    public var root: String
    public var entity: ThinEdgeEntity

    public init(root: String = "te", entity: ThinEdgeEntity) {
        self.root = root
        self.entity = entity
    }

    /// Where the entity registers itself (retained).
    public var registration: String { "\(root)/\(entity.topicID)" }

    public func measurement(_ type: String) -> String { "\(registration)/m/\(type)" }
    public func measurementMetadata(_ type: String) -> String { "\(registration)/m/\(type)/meta" }
    public func event(_ type: String) -> String { "\(registration)/e/\(type)" }
    public func alarm(_ type: String) -> String { "\(registration)/a/\(type)" }
    public func twin(_ fragment: String) -> String { "\(registration)/twin/\(fragment)" }
    public var health: String { "\(registration)/status/health" }
    /// The capability topic for an operation (retained `{}` or metadata).
    public func capability(_ operation: String) -> String { "\(registration)/cmd/\(operation)" }
    /// One command instance.
    public func command(_ operation: String, id: String) -> String { "\(registration)/cmd/\(operation)/\(id)" }
    /// Every command instance for this entity.
    public var commandFilter: String { "\(registration)/cmd/+/+" }
    /// The health check addressed to this entity.
    public var healthCheck: String { "\(registration)/cmd/health/check" }
    /// The device-wide health check, which every service on the device answers.
    public var deviceHealthCheck: String { "\(root)/\(entity.deviceEntity.topicID)/cmd/health/check" }

    /// Splits a command-instance topic of this entity into operation and id; nil for any other topic.
    public func parseCommandTopic(_ topic: String) -> (operation: String, id: String)? {
        let prefix = "\(registration)/cmd/"
        guard topic.hasPrefix(prefix) else { return nil }
        let rest = topic.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard rest.count == 2, !rest[0].isEmpty, !rest[1].isEmpty else { return nil }
        return (String(rest[0]), String(rest[1]))
    }
}
