/// Alarm severities thin-edge.io and Cumulocity know.
///
/// Cumulocity identifies an alarm by type and severity: raising `temperature_high` as `major`
/// and as `critical` makes two alarms, and each must be cleared on its own.
public enum AlarmSeverity: String, Sendable, Hashable, CaseIterable {
    case critical, major, minor, warning
}
