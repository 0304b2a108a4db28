import EdgeFlows
import Testing

@testable import EdgeCloud

@Suite("thin-edge payloads match the reference")
struct ThinEdgeModelTests {
    let model = ThinEdgeModel()

    @Test("topic identifiers for the main device, a service and a child device")
    func topics() {
        #expect(model.service.registration == "te/device/main/service/edgemlops")
        #expect(model.service.health == "te/device/main/service/edgemlops/status/health")
        #expect(model.service.deviceHealthCheck == "te/device/main///cmd/health/check")
        #expect(model.service.commandFilter == "te/device/main/service/edgemlops/cmd/+/+")
        let device = model.topics(for: ThinEdgeEntity())
        #expect(device.measurement("") == "te/device/main///m/")
        #expect(device.measurementMetadata("environment") == "te/device/main///m/environment/meta")
        let camera = model.topics(for: ThinEdgeEntity(device: "cam1"))
        #expect(camera.registration == "te/device/cam1//")
        #expect(camera.alarm("lens_dirty") == "te/device/cam1///a/lens_dirty")
        let custom = ThinEdgeModel(root: "lab", device: "line4", service: "inspector")
        #expect(custom.service.twin("model") == "lab/device/line4/service/inspector/twin/model")
    }

    @Test("command topics parse back to operation and id, other topics do not")
    func commandTopics() {
        let parsed = model.service.parseCommandTopic(
            "te/device/main/service/edgemlops/cmd/activate_model/c8y-mapper-42"
        )
        #expect(parsed?.operation == "activate_model")
        #expect(parsed?.id == "c8y-mapper-42")
        #expect(model.service.parseCommandTopic("te/device/main/service/edgemlops/cmd/restart") == nil)
        #expect(model.service.parseCommandTopic("te/device/other/service/edgemlops/cmd/a/b") == nil)
    }

    @Test("service and child registration are retained with @type")
    func registration() {
        let service = model.serviceRegistration()
        #expect(service.retain)
        #expect(
            service.payloadString
                == #"{"@parent":"device/main//","@type":"service","name":"edgemlops","type":"service"}"#
        )
        let child = model.childDeviceRegistration("cam1", type: "Camera")
        #expect(child.topic == "te/device/cam1//")
        #expect(
            child.payloadString == #"{"@parent":"device/main//","@type":"child-device","name":"cam1","type":"Camera"}"#
        )
    }

    @Test("measurement as in the reference: numbers, a group, and time")
    func measurement() throws {
        let m = try model.measurement(
            "environment",
            values: ["temperature": 25.3],
            time: 1_674_739_912,
            on: ThinEdgeEntity()
        )
        #expect(m.topic == "te/device/main///m/environment")
        #expect(m.payloadString == #"{"temperature":25.3,"time":1674739912}"#)
        #expect(!m.retain)
        let group = try model.measurement(
            "power",
            values: ["current": .record(["L1": 9.5, "L2": 1.3])],
            time: 1_674_739_912
        )
        #expect(group.payloadString == #"{"current":{"L1":9.5,"L2":1.3},"time":1674739912}"#)
        let units = model.measurementUnits("environment", units: ["temperature": "°C"])
        #expect(units.retain)
        #expect(units.topic.hasSuffix("/m/environment/meta"))
        #expect(units.payloadString == #"{"temperature":{"unit":"°C"}}"#)
    }

    @Test(
        "measurement values that thin-edge would reject are refused with the field named",
        arguments: [
            ("label", LuaValue.string("ok")), ("nan", LuaValue.number(.nan)), ("time", LuaValue.integer(1)),
            ("deep", LuaValue.record(["a": .record(["b": 1])])),
        ]
    )
    func badMeasurement(field: String, value: LuaValue) {
        #expect(throws: ConnectorError.self) { try model.measurement("x", values: [field: value], time: 0) }
        do {
            _ = try model.measurement("x", values: [field: value], time: 0)
        } catch {
            #expect(error.code == .invalidValue)
            #expect(error.field?.hasPrefix(field) == true)
        }
    }

    @Test("event with text, time and a custom fragment")
    func event() {
        let e = model.event(
            "login_event",
            text: "A user just logged in",
            time: 1_609_479_045,
            fragments: ["someOtherCustomFragment": .record(["nested": .record(["value": "x"])])],
            on: ThinEdgeEntity()
        )
        #expect(e.topic == "te/device/main///e/login_event")
        #expect(!e.retain)
        #expect(
            e.payloadString
                == #"{"someOtherCustomFragment":{"nested":{"value":"x"}},"text":"A user just logged in","time":1609479045}"#
        )
    }

    @Test("alarm raise is retained at QoS 1; clear is an empty retained message, not {}")
    func alarms() {
        let raise = model.raiseAlarm(
            "temperature_high",
            severity: .critical,
            text: "Temperature is very high",
            time: 1_609_479_045,
            on: ThinEdgeEntity()
        )
        #expect(raise.topic == "te/device/main///a/temperature_high")
        #expect(raise.retain && raise.qos == .atLeastOnce)
        #expect(raise.payloadString == #"{"severity":"critical","text":"Temperature is very high","time":1609479045}"#)
        let clear = model.clearAlarm("temperature_high", on: ThinEdgeEntity())
        #expect(clear.retain && clear.qos.rawValue >= 1)
        #expect(clear.payload.isEmpty)
    }

    @Test("twin fragments: object, plain value, delete")
    func twin() {
        let os = model.twin("device_OS", value: .record(["family": "Debian", "version": "11"]), on: ThinEdgeEntity())
        #expect(os.topic == "te/device/main///twin/device_OS")
        #expect(os.retain)
        #expect(os.payloadString == #"{"family":"Debian","version":"11"}"#)
        #expect(model.twin("subtype", value: "my-custom-type").payloadString == #""my-custom-type""#)
        #expect(model.twin("subtype", value: nil).payload.isEmpty)
    }

    @Test("health up with pid and time, the will down, capabilities {}")
    func health() {
        let up = model.healthUp(pid: 1234, time: 1_674_739_912)
        #expect(up.topic == "te/device/main/service/edgemlops/status/health")
        #expect(up.retain)
        #expect(up.payloadString == #"{"pid":1234,"status":"up","time":1674739912}"#)
        let down = model.healthDown()
        #expect(down.retain && down.payloadString == #"{"status":"down"}"#)
        let capability = model.capability("activate_model")
        #expect(capability.topic == "te/device/main/service/edgemlops/cmd/activate_model")
        #expect(capability.retain && capability.payloadString == "{}")
    }

    @Test("the 16 KB limit counts topic and payload")
    func size() throws {
        let topic = "te/device/main///e/big"
        let fits = MQTTMessage(
            topic: topic,
            payload: [UInt8](repeating: 0x61, count: ThinEdgeModel.maximumMessageBytes - topic.utf8.count)
        )
        try ThinEdgeModel.checkSize(fits)
        var over = fits
        over.payload.append(0x61)
        let error = #expect(throws: ConnectorError.self) { try ThinEdgeModel.checkSize(over) }
        #expect(error?.code == .oversize)
        #expect(error?.topic == topic)
        #expect(error?.description.contains("16184") == true)
    }
}
