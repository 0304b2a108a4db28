/// A thin-edge.io entity: the main device, a child device, or a service on either.
///
/// Its topic identifier is `device/<device>/service/<service>`, where an empty segment means
/// "not applicable": the main device is `device/main//`, our service `device/main/service/edgemlops`.
public struct ThinEdgeEntity: Sendable, Hashable {
    public var device: String
    public var service: String?

    public init(device: String = "main", service: String? = nil) {
        self.device = device
        self.service = service
    }

    /// The four-segment topic identifier, e.g. `device/main/service/edgemlops` or `device/cam1//`.
    public var topicID: String {
        if let service { return "device/\(device)/service/\(service)" }
        return "device/\(device)//"
    }

    /// The device this entity belongs to (itself when it is a device).
    public var deviceEntity: ThinEdgeEntity { ThinEdgeEntity(device: device) }
}
