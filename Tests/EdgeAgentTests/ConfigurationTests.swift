import EdgeAgent
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    static let minimal = """
        [[pipelines]]
        name = "line1"
        model = "inspect-cls"
        """

    @Test("The shipped packaging/edgemlops.toml is valid and matches the documented defaults")
    func shippedDefault() throws {
        let repo = String(#filePath.split(separator: "/Tests/")[0])
        let configuration = try AgentConfiguration.load(path: repo + "/packaging/edgemlops.toml")
        #expect(configuration.device == DeviceSettings(id: "main", service: "edgemlops"))
        #expect(configuration.broker.port == 1883)
        #expect(configuration.outbox.path == "/var/lib/edgemlops/outbox.sqlite")
        #expect(configuration.samples.directory == "/var/lib/edgemlops/samples")
        let pipeline = try #require(configuration.pipelines.first)
        #expect(pipeline.camera == .synthetic)
        #expect(pipeline.trigger == .continuous)
        #expect(pipeline.model == "inspect-cls")
    }

    @Test("Defaults fill every section that is absent; state moves the outbox and samples")
    func defaults() throws {
        let configuration = try AgentConfiguration.parse("[state]\ndirectory = \"/srv/agent\"\n" + Self.minimal, file: "t.toml")
        #expect(configuration.broker == BrokerSettings())
        #expect(configuration.outbox.path == "/srv/agent/outbox.sqlite")
        #expect(configuration.samples.directory == "/srv/agent/samples")
        #expect(configuration.monitoring == MonitoringSettings())
        #expect(configuration.pipelines[0].threads == 1)
    }

    @Test("TLS changes the default port")
    func tlsPort() throws {
        let configuration = try AgentConfiguration.parse(
            "[broker]\ntls = true\nca_file = '/etc/ca.pem'\n" + Self.minimal, file: "t.toml")
        #expect(configuration.broker.port == 8883)
        #expect(configuration.broker.caFile == "/etc/ca.pem")
    }

    @Test("Cameras, triggers and ROI of several pipelines")
    func pipelines() throws {
        let text = """
            [[pipelines]]
            name = "a"
            camera = "/dev/video2"
            trigger = "periodic"
            period_ms = 250
            roi = [10, 20, 100, 50]
            model = "/opt/m.onnx"
            threads = 2

            [[pipelines]]
            name = "b"
            camera = "/data/images"
            trigger = "gpio"
            gpio_line = 17
            model = "inspect-ae"

            [[pipelines]]
            name = "c"
            trigger = "mqtt"
            mqtt_topic = "factory/line/part"
            trigger_delay_ms = 120
            trigger_queue = 4
            model = "m"
            """
        let pipelines = try AgentConfiguration.parse(text, file: "t.toml").pipelines
        #expect(pipelines.map(\.name) == ["a", "b", "c"])
        #expect(pipelines[0].camera == .device("/dev/video2"))
        #expect(pipelines[0].trigger == .periodic(milliseconds: 250))
        #expect(pipelines[0].roi == .init(x: 10, y: 20, width: 100, height: 50))
        #expect(pipelines[0].threads == 2)
        #expect(pipelines[1].camera == .imageDirectory("/data/images"))
        #expect(pipelines[1].trigger == .gpio(chip: "/dev/gpiochip0", line: 17))
        #expect(pipelines[1].triggerDelayMilliseconds == 0 && pipelines[1].triggerTimeoutMilliseconds == 1000)
        #expect(pipelines[2].trigger == .mqtt(topic: "factory/line/part"))
        #expect(pipelines[2].triggerDelayMilliseconds == 120)
        #expect(pipelines[1].triggerQueue == 16 && pipelines[2].triggerQueue == 4)
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var text: String
        var code: ConfigurationError.Code
        var line: Int
        var key: String?
        var testDescription: String { "\(code) at \(line) \(key ?? "-")" }
    }

    static let badCases: [BadCase] = [
        .init(text: "[broker]\nport = 70000\n" + minimal, code: .invalidValue, line: 2, key: "broker.port"),
        .init(text: "[broker]\nport = \"1883\"\n" + minimal, code: .invalidValue, line: 2, key: "broker.port"),
        .init(text: "[broker]\nhots = \"x\"\n" + minimal, code: .unknownKey, line: 2, key: "broker.hots"),
        .init(text: "[brokr]\n" + minimal, code: .unknownKey, line: 1, key: "brokr"),
        .init(text: "[broker]\ntls = true\n" + minimal, code: .missingKey, line: 1, key: "broker.ca_file"),
        .init(text: "[outbox]\nfsync = \"sometimes\"\n" + minimal, code: .invalidValue, line: 2, key: "outbox.fsync"),
        .init(text: "[samples]\nlow_confidence = 1.5\n" + minimal, code: .invalidValue, line: 2, key: "samples.low_confidence"),
        .init(text: "[state]\ndirectory = \"var/lib\"\n" + minimal, code: .invalidValue, line: 2, key: "state.directory"),
        .init(text: "[device]\nid = \"a/b\"\n" + minimal, code: .invalidValue, line: 2, key: "device.id"),
        .init(text: "[device]\n", code: .missingKey, line: 0, key: "pipelines"),
        .init(text: minimal + "\ntrigger = \"sometimes\"", code: .invalidValue, line: 4, key: "pipelines[0].trigger"),
        .init(text: minimal + "\ntrigger = \"periodic\"", code: .missingKey, line: 1, key: "pipelines[0].period_ms"),
        .init(text: minimal + "\nperiod_ms = 100", code: .unknownKey, line: 4, key: "pipelines[0].period_ms"),
        .init(text: minimal + "\ntrigger_delay_ms = 100", code: .unknownKey, line: 4, key: "pipelines[0].trigger_delay_ms"),
        .init(text: minimal + "\ntrigger_queue = 4", code: .unknownKey, line: 4, key: "pipelines[0].trigger_queue"),
        .init(
            text: minimal + "\ntrigger = \"mqtt\"\nmqtt_topic = \"t\"\ntrigger_queue = 0", code: .invalidValue, line: 6,
            key: "pipelines[0].trigger_queue"),
        .init(
            text: minimal + "\ntrigger = \"mqtt\"\nmqtt_topic = \"line/#/part\"", code: .invalidValue, line: 5,
            key: "pipelines[0].mqtt_topic"),
        .init(
            text: minimal + "\ntrigger = \"gpio\"\ngpio_line = 4\ntrigger_timeout_ms = 0", code: .invalidValue, line: 6,
            key: "pipelines[0].trigger_timeout_ms"),
        .init(text: minimal + "\nroi = [600, 0, 100, 100]", code: .invalidValue, line: 4, key: "pipelines[0].roi"),
        .init(text: minimal + "\nroi = [0, 0, 100]", code: .invalidValue, line: 4, key: "pipelines[0].roi"),
        .init(text: minimal + "\ncamera = \"webcam\"", code: .invalidValue, line: 4, key: "pipelines[0].camera"),
        .init(text: minimal + "\nthreads = 0", code: .invalidValue, line: 4, key: "pipelines[0].threads"),
        .init(text: "[[pipelines]]\nname = \"x\"\n", code: .missingKey, line: 1, key: "pipelines[0].model"),
        .init(text: minimal + "\n" + minimal, code: .duplicateKey, line: 5, key: "pipelines[1].name"),
        .init(text: minimal + "\nmodel = \"again\"", code: .duplicateKey, line: 4, key: "pipelines.model"),
        .init(text: "[device]\n[device]\n" + minimal, code: .duplicateKey, line: 2, key: "device"),
        .init(text: "[device]\nid = \"unterminated\n" + minimal, code: .syntax, line: 2, key: nil),
        .init(text: "[device]\nid = { a = 1 }\n" + minimal, code: .syntax, line: 2, key: nil),
        .init(text: "[device]\ndevice.id = \"x\"\n" + minimal, code: .syntax, line: 2, key: "device"),
        .init(text: "[broker]\nport = 1883 1884\n" + minimal, code: .syntax, line: 2, key: nil),
        .init(text: "[broker]\nport = 01883\n" + minimal, code: .syntax, line: 2, key: nil),
        .init(text: "[pipelines]\n", code: .syntax, line: 1, key: "pipelines"),
    ]

    @Test("Bad configuration names the code, line and key", arguments: badCases)
    func rejects(_ bad: BadCase) {
        #expect {
            _ = try AgentConfiguration.parse(bad.text, file: "bad.toml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.code == bad.code && error.line == bad.line && error.key == bad.key
                && error.file == "bad.toml" && error.description.hasPrefix("bad.toml")
        }
    }

    @Test("Error text names file, line, key, value and what was expected")
    func message() throws {
        let error = #expect(throws: ConfigurationError.self) {
            _ = try AgentConfiguration.parse("[broker]\nport = 0\n" + Self.minimal, file: "/etc/e.toml")
        }
        #expect(error?.description == "/etc/e.toml:2: broker.port: out of range (got 0); expected an integer in 1...65535")
    }

    @Test("A missing file is an unreadable error naming the path")
    func missingFile() {
        let error = #expect(throws: ConfigurationError.self) {
            _ = try AgentConfiguration.load(path: "/nonexistent/edgemlops.toml")
        }
        #expect(error?.code == .unreadable)
        #expect(error?.file == "/nonexistent/edgemlops.toml")
    }
}
