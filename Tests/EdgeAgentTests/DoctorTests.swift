import EdgeTestSupport
import Foundation
import Logging
import Testing

@testable import EdgeAgent

@Suite("edgemlops doctor", .serialized, .timeLimit(.minutes(1)))
struct DoctorTests {
    let logger = Logger(label: "test.doctor")

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("finds every linked library, the CPU and a live broker")
    func healthyMachine() async throws {
        let broker = try MosquittoBroker()
        let state = try temporaryDirectory()
        let doctor = Doctor(
            configuration: Doctor.Configuration(
                paths: AgentPaths(configurationFile: state + "/none.toml", stateDirectory: state),
                brokerHost: broker.host,
                brokerPort: broker.port
            ),
            logger: logger
        )
        let report = await doctor.run()
        for library in ["liblua5.4", "libmosquitto", "libv4l2", "libturbojpeg"] {
            let check = try #require(report.checks.first { $0.name == library })
            #expect(check.status == .ok, "\(library): \(check.detail)")
            #expect(check.detail.contains("/"), "the library's path is shown")
        }
        let lua = try #require(report.checks.first { $0.name == "liblua5.4" })
        #expect(lua.detail.hasPrefix("Lua 5.4"))
        let mqtt = try #require(report.checks.first { $0.category == "mqtt" })
        #expect(mqtt.status == .ok)
        #expect(mqtt.detail.contains("\(broker.port)"))
        #expect(report.checks.contains { $0.name == "kernel path" })
        #expect(report.passed())
    }

    @Test("an unreachable broker is a warning naming the address, not a failure")
    func unreachableBroker() async throws {
        let port = try MosquittoBroker.freePort()
        let doctor = Doctor(
            configuration: Doctor.Configuration(
                paths: AgentPaths(configurationFile: "/nonexistent.toml", stateDirectory: try temporaryDirectory()),
                brokerPort: port,
                brokerTimeout: .milliseconds(300)
            ),
            logger: logger
        )
        let report = await doctor.run()
        let mqtt = try #require(report.checks.first { $0.category == "mqtt" })
        #expect(mqtt.status == .warning)
        #expect(mqtt.detail.contains("127.0.0.1:\(port)"))
        #expect(mqtt.hint != nil)
        #expect(report.passed())
        #expect(!report.passed(strict: true))
    }

    @Test("a state path that is a file fails with a hint")
    func stateIsAFile() async throws {
        let directory = try temporaryDirectory()
        let file = directory + "/state"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        let check = Doctor.directoryCheck(file)
        #expect(check.status == .failure)
        #expect(check.detail.contains("not a directory"))
        #expect(check.hint != nil)
        #expect(Doctor.directoryCheck(directory).status == .ok)
        #expect(Doctor.directoryCheck(directory + "/a/b").detail.contains("will be created"))
    }

    @Test("camera checks name each device node and what is wrong with it")
    func cameras() throws {
        let doctor = Doctor(configuration: Doctor.Configuration(paths: AgentPaths(environment: [:])), logger: logger)
        let empty = try temporaryDirectory()
        let none = doctor.cameraChecks(devRoot: empty)
        #expect(none.count == 1 && none[0].status == .warning && none[0].detail.contains(empty))

        let fake = try temporaryDirectory()
        #expect(FileManager.default.createFile(atPath: fake + "/video0", contents: Data("not a camera".utf8)))
        let checks = doctor.cameraChecks(devRoot: fake)
        let node = try #require(checks.first { $0.name == fake + "/video0" })
        #expect(node.status == .warning)
        #expect(!node.detail.isEmpty)
        #expect(checks.contains { $0.name == "capture devices" && $0.status == .warning })
    }

    @Test("environment overrides choose configuration and state paths")
    func paths() {
        let paths = AgentPaths(environment: ["EDGEMLOPS_CONFIG": "/tmp/c.toml", "EDGEMLOPS_STATE_DIR": "/tmp/s"])
        #expect(paths.configurationFile == "/tmp/c.toml")
        #expect(paths.writableDirectories == ["/tmp/s", "/tmp/s/models", "/tmp/s/samples"])
        let defaults = AgentPaths(environment: ["EDGEMLOPS_STATE_DIR": ""])
        #expect(defaults.stateDirectory == AgentPaths.defaultStateDirectory)
        #expect(defaults.configurationFile == AgentPaths.defaultConfigurationFile)
    }
}
