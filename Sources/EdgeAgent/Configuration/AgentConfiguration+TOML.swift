import EdgeCloud

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AgentConfiguration {
    /// Tables the schema knows; anything else is a typo and is rejected.
    static let knownTables: Set<String> = ["device", "broker", "state", "outbox", "monitoring", "samples", "lifecycle"]

    /// Reads and validates a configuration file.
    public static func load(path: String) throws(ConfigurationError) -> AgentConfiguration {
        guard let text = readTextFile(path) else {
            throw ConfigurationError(
                code: .unreadable, file: path, line: 0, message: "cannot read the configuration file (errno \(errno))")
        }
        return try parse(text, file: path)
    }

    /// Parses and validates configuration text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> AgentConfiguration {
        let document = try TOMLParser.parse(text, file: file)
        return try AgentConfiguration(document: document)
    }

    init(document: TOMLDocument) throws(ConfigurationError) {
        let file = document.file
        func reader(_ name: String) -> TableReader {
            TableReader(file: file, table: document.tables[name] ?? TOMLTable(name: name, line: 0), path: name)
        }
        for name in document.order where !Self.knownTables.contains(name) && name != "pipelines" {
            let line = document.tables[name]?.line ?? document.tableArrays[name]?.first?.line ?? 0
            throw ConfigurationError(
                code: .unknownKey, file: file, line: line, key: name,
                expected: "one of " + (Self.knownTables.sorted() + ["[[pipelines]]"]).joined(separator: ", "),
                message: "unknown table")
        }
        if document.tables["pipelines"] != nil {
            throw ConfigurationError(
                code: .syntax, file: file, line: document.tables["pipelines"]!.line, key: "pipelines",
                expected: "[[pipelines]]", message: "pipelines is an array of tables")
        }
        try reader("").finish()

        var deviceReader = reader("device")
        let device = DeviceSettings(
            id: try deviceReader.identifier("id", default: "main"),
            service: try deviceReader.identifier("service", default: "edgemlops"))
        try deviceReader.finish()

        var stateReader = reader("state")
        let state = try stateReader.path("directory", default: AgentPaths.defaultStateDirectory)
        try stateReader.finish()

        self.init(
            device: device,
            broker: try Self.broker(reader("broker")),
            stateDirectory: state,
            outbox: try Self.outbox(reader("outbox"), state: state),
            monitoring: try Self.monitoring(reader("monitoring")),
            samples: try Self.samples(reader("samples"), state: state),
            lifecycle: try Self.lifecycle(reader("lifecycle")),
            pipelines: try Self.pipelines(document))
    }

    static func broker(_ table: TableReader) throws(ConfigurationError) -> BrokerSettings {
        var table = table
        let tls = try table.boolean("tls", default: false)
        let settings = BrokerSettings(
            host: try table.string("host", default: "127.0.0.1"),
            port: try table.integer("port", default: tls ? 8883 : 1883, in: 1...65535),
            tls: tls,
            caFile: try table.optionalString("ca_file"),
            certificateFile: try table.optionalString("cert_file"),
            keyFile: try table.optionalString("key_file"),
            clientID: try table.optionalString("client_id"),
            username: try table.optionalString("username"),
            password: try table.optionalString("password"),
            keepAliveSeconds: try table.integer("keepalive_s", default: 60, in: 5...3600))
        if tls && settings.caFile == nil {
            throw table.missing("ca_file", expected: "a PEM file of certificate authorities when tls = true")
        }
        if (settings.certificateFile == nil) != (settings.keyFile == nil) {
            throw table.missing(settings.certificateFile == nil ? "cert_file" : "key_file", expected: "cert_file and key_file together")
        }
        try table.finish()
        return settings
    }

    static func outbox(_ table: TableReader, state: String) throws(ConfigurationError) -> OutboxSettings {
        var table = table
        let settings = OutboxSettings(
            path: try table.string("path", default: state + "/outbox.sqlite"),
            fsync: try table.choice("fsync", default: .normal),
            maximumMessages: try table.integer("max_messages", default: 100_000, in: 100...100_000_000),
            maximumBytes: try table.integer("max_bytes", default: 64 << 20, in: 65536...(1 << 40)))
        try table.finish()
        return settings
    }

    static func monitoring(_ table: TableReader) throws(ConfigurationError) -> MonitoringSettings {
        var table = table
        let settings = MonitoringSettings(
            enabled: try table.boolean("enabled", default: true),
            intervalSeconds: try table.integer("interval_s", default: 10, in: 1...86400),
            driftWindow: try table.integer("drift_window", default: 500, in: 10...1_000_000))
        try table.finish()
        return settings
    }

    static func samples(_ table: TableReader, state: String) throws(ConfigurationError) -> SampleSettings {
        var table = table
        let settings = SampleSettings(
            enabled: try table.boolean("enabled", default: true),
            directory: try table.path("directory", default: state + "/samples"),
            maximumMegabytes: try table.integer("max_mb", default: 256, in: 1...1_000_000),
            lowConfidence: try table.double("low_confidence", default: 0.6, in: 0...1),
            intervalSeconds: try table.integer("interval_s", default: 10, in: 0...86400),
            externalID: try table.optionalString("external_id"),
            proxyHost: try table.string("proxy_host", default: "127.0.0.1"),
            proxyPort: try table.integer("proxy_port", default: 8001, in: 1...65535))
        try table.finish()
        return settings
    }

    static func lifecycle(_ table: TableReader) throws(ConfigurationError) -> LifecycleSettings {
        var table = table
        let settings = LifecycleSettings(
            probationInferences: try table.integer("probation_inferences", default: 20, in: 1...1_000_000),
            maxFailures: try table.integer("max_failures", default: 0, in: 0...1_000_000),
            latencyBudgetMilliseconds: try table.integer("latency_budget_ms", default: 0, in: 0...600_000),
            maxOverBudget: try table.integer("max_over_budget", default: 2, in: 0...1_000_000),
            storePollMilliseconds: try table.integer("store_poll_ms", default: 2000, in: 0...3_600_000))
        try table.finish()
        return settings
    }

    static func pipelines(_ document: TOMLDocument) throws(ConfigurationError) -> [PipelineConfiguration] {
        let tables = document.tableArrays["pipelines"] ?? []
        guard !tables.isEmpty else {
            throw ConfigurationError(
                code: .missingKey, file: document.file, line: 0, key: "pipelines",
                expected: "at least one [[pipelines]] table", message: "no pipeline is configured")
        }
        var result: [PipelineConfiguration] = []
        var names: [String: Int] = [:]
        for (index, table) in tables.enumerated() {
            let pipeline = try Self.pipeline(TableReader(file: document.file, table: table, path: "pipelines[\(index)]"))
            if let first = names[pipeline.name] {
                throw ConfigurationError(
                    code: .duplicateKey, file: document.file, line: table["name"]?.line ?? table.line,
                    key: "pipelines[\(index)].name", value: "\"\(pipeline.name)\"",
                    expected: "a name not used by pipelines[\(first)]", message: "pipeline name is used twice")
            }
            names[pipeline.name] = index
            result.append(pipeline)
        }
        return result
    }

    static func pipeline(_ table: TableReader) throws(ConfigurationError) -> PipelineConfiguration {
        var table = table
        let name = try table.identifier("name", default: nil)
        let cameraText = try table.string("camera", default: "synthetic")
        let camera: PipelineConfiguration.Camera
        if cameraText == "synthetic" {
            camera = .synthetic
        } else if cameraText.hasPrefix("/dev/") {
            camera = .device(cameraText)
        } else if cameraText.hasPrefix("/") || cameraText.hasPrefix(".") {
            camera = .imageDirectory(cameraText)
        } else {
            throw table.invalid(
                "camera", table.table["camera"]!, expected: "\"synthetic\", a /dev/videoN device or a directory path",
                "unknown camera")
        }
        let width = try table.integer("width", default: 640, in: 16...8192)
        let height = try table.integer("height", default: 480, in: 16...8192)
        let fps = try table.integer("fps", default: 15, in: 1...240)
        let kind: PipelineConfiguration.TriggerKind = try table.choice("trigger", default: .continuous)
        // Keys of the other trigger kinds are read (and so accepted) only for their own kind.
        let trigger: PipelineConfiguration.Trigger
        switch kind {
        case .continuous: trigger = .continuous
        case .periodic: trigger = .periodic(milliseconds: try table.integer("period_ms", default: nil, in: 1...86_400_000))
        case .mqtt:
            let topic = try table.string("mqtt_topic", default: nil)
            do {
                try MQTTTopic.validateSubscribe(topic)
            } catch {
                throw table.invalid(
                    "mqtt_topic", table.table["mqtt_topic"]!, expected: "an MQTT topic or filter (+ and # only as whole levels)",
                    "not a valid topic")
            }
            trigger = .mqtt(topic: topic)
        case .flow:
            trigger = .flow
        case .gpio:
            trigger = .gpio(
                chip: try table.path("gpio_chip", default: "/dev/gpiochip0"),
                line: try table.integer("gpio_line", default: nil, in: 0...1023))
        }
        // Frame selection for event triggers: the first frame at or after event + delay.
        var triggerDelay = 0
        var triggerTimeout = 1000
        var triggerQueue = 16
        if kind == .mqtt || kind == .gpio || kind == .flow {
            triggerDelay = try table.integer("trigger_delay_ms", default: 0, in: 0...60_000)
            triggerTimeout = try table.integer("trigger_timeout_ms", default: 1000, in: 1...60_000)
            triggerQueue = try table.integer("trigger_queue", default: 16, in: 1...1024)
        }
        var roi: PipelineConfiguration.RegionOfInterest?
        if let box = try table.integers("roi", count: 4, in: 0...8192) {
            let value = table.table["roi"]!
            guard box[2] > 0, box[3] > 0, box[0] + box[2] <= width, box[1] + box[3] <= height else {
                throw table.invalid(
                    "roi", value, expected: "[x, y, width, height] inside the \(width)x\(height) frame, width and height > 0",
                    "region outside the frame")
            }
            roi = .init(x: box[0], y: box[1], width: box[2], height: box[3])
        }
        let pipeline = PipelineConfiguration(
            name: name, camera: camera, width: width, height: height, fps: fps, trigger: trigger, roi: roi,
            model: try table.string("model", default: nil),
            threads: try table.integer("threads", default: 1, in: 1...64),
            flowsDirectory: try table.path("flows", default: "/etc/edgemlops/flows"),
            triggerDelayMilliseconds: triggerDelay, triggerTimeoutMilliseconds: triggerTimeout,
            triggerQueue: triggerQueue)
        try table.finish()
        return pipeline
    }

    private static func readTextFile(_ path: String) -> String? {
        guard let handle = fopen(path, "rb") else { return nil }
        defer { fclose(handle) }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = fread(&buffer, 1, buffer.count, handle)
            if count > 0 { data.append(contentsOf: buffer[0..<count]) }
            if count < buffer.count { break }
        }
        if ferror(handle) != 0 { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

extension TableReader {
    /// Names that become MQTT topic levels and file names: letters, digits, `-`, `_`.
    mutating func identifier(_ key: String, default fallback: String?) throws(ConfigurationError) -> String {
        let text = try string(key, default: fallback)
        let allowed = text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        if !allowed, let value = table[key] {
            throw invalid(key, value, expected: "letters, digits, '-' and '_' only", "not usable as a topic level")
        }
        return text
    }

    /// An absolute path.
    mutating func path(_ key: String, default fallback: String?) throws(ConfigurationError) -> String {
        let text = try string(key, default: fallback)
        if !text.hasPrefix("/"), let value = table[key] {
            throw invalid(key, value, expected: "an absolute path", "relative path")
        }
        return text
    }
}
