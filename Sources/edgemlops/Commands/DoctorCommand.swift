import ArgumentParser
import EdgeAgent
import Foundation
import Logging

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check libraries, CPU features, cameras, the MQTT broker and state directories.",
        discussion: """
            Exits with status 1 when something required is missing or broken (a library, NEON on ARM,
            a writable state directory). An unreachable broker or a missing camera is a warning:
            the agent buffers results and can run the synthetic camera. --strict fails on warnings too.
            """
    )

    @Option(help: "MQTT broker to try (EDGEMLOPS_BROKER overrides the default).")
    var broker: BrokerAddress?

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    @Flag(help: "Exit non-zero on warnings as well as failures.")
    var strict = false

    func run() async throws {
        let environment = ProcessEnvironment.current
        let address =
            broker ?? environment["EDGEMLOPS_BROKER"].flatMap(BrokerAddress.init(argument:))
            ?? BrokerAddress(host: "127.0.0.1", port: 1883)
        let doctor = Doctor(
            configuration: Doctor.Configuration(
                paths: AgentPaths(environment: environment),
                brokerHost: address.host,
                brokerPort: address.port
            ),
            logger: Logger(label: "edgemlops.doctor")
        )
        let report = await doctor.run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var object = try JSONSerialization.jsonObject(with: encoder.encode(report)) as? [String: Any] ?? [:]
            object["passed"] = report.passed(strict: strict)
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(Self.render(report))
        }
        if !report.passed(strict: strict) { throw ExitCode.failure }
    }

    static func render(_ report: DoctorReport) -> String {
        var table = TextTable("AREA", "CHECK", "STATUS", "DETAIL")
        for check in report.checks {
            table.add(check.category, check.name, symbol(check.status), check.detail)
        }
        var lines = [table.render()]
        let hinted = report.checks.filter { $0.hint != nil && ($0.status == .failure || $0.status == .warning) }
        if !hinted.isEmpty {
            lines.append("")
            for check in hinted { lines.append("\(symbol(check.status)) \(check.name): \(check.hint!)") }
        }
        lines.append("")
        let failures = report.failures.count
        let warnings = report.checks.filter { $0.status == .warning }.count
        lines.append(
            failures == 0
                ? "Ready: \(warnings) warning\(warnings == 1 ? "" : "s")."
                : "Not ready: \(failures) required check\(failures == 1 ? "" : "s") failed."
        )
        return lines.joined(separator: "\n")
    }

    static func symbol(_ status: DoctorCheck.Status) -> String {
        switch status {
        case .ok: "ok"
        case .info: "info"
        case .warning: "WARN"
        case .failure: "FAIL"
        }
    }
}
