/// Everything the doctor found.
public struct DoctorReport: Sendable, Hashable, Codable {
    public var version: String
    public var checks: [DoctorCheck]

    public init(version: String, checks: [DoctorCheck]) {
        self.version = version
        self.checks = checks
    }

    /// True when no check failed (and, when `strict`, none warned).
    public func passed(strict: Bool = false) -> Bool {
        !checks.contains { $0.status == .failure || (strict && $0.status == .warning) }
    }

    public var failures: [DoctorCheck] { checks.filter { $0.status == .failure } }
}
