/// `[device]`: how the agent names itself on the thin-edge `te/` topics.
public struct DeviceSettings: Sendable, Hashable {
    /// `id`: the thin-edge device id (`te/device/<id>//`); `main` for the device thin-edge runs on.
    public var id: String
    /// `service`: the service entity the agent registers (`te/device/<id>/service/<service>`).
    public var service: String

    public init(id: String = "main", service: String = "edgemlops") {
        self.id = id
        self.service = service
    }
}
