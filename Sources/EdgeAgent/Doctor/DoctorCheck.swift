/// One line of the doctor's report.
public struct DoctorCheck: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Present and working.
        case ok
        /// Fact worth knowing; nothing to do.
        case info
        /// Works, but something an integrator should look at.
        case warning
        /// Required and missing or broken: the agent cannot run properly.
        case failure
    }

    /// Group, e.g. "library", "cpu", "camera", "mqtt", "state".
    public var category: String
    public var name: String
    public var status: Status
    public var detail: String
    /// What to do about a warning or failure.
    public var hint: String?

    public init(category: String, name: String, status: Status, detail: String, hint: String? = nil) {
        self.category = category
        self.name = name
        self.status = status
        self.detail = detail
        self.hint = hint
    }
}
