import EdgeFlows
import Testing

@testable import EdgeCloud

@Suite("command lifecycle payloads")
struct ThinEdgeCommandTests {
    let topic = "te/device/main/service/edgemlops/cmd/activate_model/c8y-mapper-7"

    func parse(_ text: String) -> ThinEdgeCommand.Parsed {
        ThinEdgeCommand.parse(operation: "activate_model", id: "c8y-mapper-7", topic: topic, payload: Array(text.utf8))
    }

    @Test("status updates keep unknown fields and add the reason on failure")
    func preservesFields() throws {
        guard
            case .command(let command) = parse(
                #"{"status":"init","name":"yolo","c8y-mapper":{"on_fragment":"c8y_ActivateModel"}}"#
            )
        else {
            Issue.record("not parsed as a command")
            return
        }
        #expect(command.status == .initial)
        #expect(
            command.update(.executing).payloadString
                == #"{"c8y-mapper":{"on_fragment":"c8y_ActivateModel"},"name":"yolo","status":"executing"}"#
        )
        let failed = command.update(.failed, reason: "no such model")
        #expect(failed.retain && failed.qos == .atLeastOnce && failed.topic == topic)
        #expect(
            failed.payloadString
                == #"{"c8y-mapper":{"on_fragment":"c8y_ActivateModel"},"name":"yolo","reason":"no such model","status":"failed"}"#
        )
        let done = command.update(.successful, results: ["status": "hijack", "version": "2"])
        #expect(done.payloadString.contains(#""status":"successful""#))
        #expect(done.payloadString.contains(#""version":"2""#))
    }

    @Test("an empty payload is the requester clearing the command")
    func cleared() {
        #expect(ThinEdgeCommand.parse(operation: "x", id: "1", topic: topic, payload: []) == .cleared)
    }

    @Test("unknown statuses are read, not rejected (the connector ignores them)")
    func unknownStatus() {
        guard case .command(let command) = parse(#"{"status":"downloading"}"#) else {
            Issue.record("not parsed")
            return
        }
        #expect(command.status.rawValue == "downloading")
        #expect(!command.status.isTerminal)
    }

    @Test(
        "malformed payloads fail with a reason",
        arguments: [
            ("not json", "not JSON"), ("[1,2]", "must be a JSON object"), ("42", "must be a JSON object"),
            (#"{"name":"x"}"#, "'status' is missing"), (#"{"status":3}"#, "'status' must be a string"),
        ]
    )
    func malformed(payload: String, reason: String) {
        guard case .malformed(let text) = parse(payload) else {
            Issue.record("\(payload) was accepted")
            return
        }
        #expect(text.contains(reason))
        let answer = ThinEdgeCommand.failure(topic: topic, reason: text)
        #expect(answer.retain)
        #expect(answer.payloadString.hasPrefix(#"{"reason":"#))
        #expect(answer.payloadString.hasSuffix(#""status":"failed"}"#))
    }
}
