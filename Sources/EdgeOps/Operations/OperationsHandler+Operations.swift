import EdgeCloud
import EdgeFlows
import Logging

extension OperationsHandler {
    /// `{"status":"init","version":"1.2.0"}` activates an installed version (on probation);
    /// `{"status":"init","rollback":true}` returns to `previous`. `name` picks the model; it may
    /// be left out when the agent serves only one.
    func activateModel(_ command: ThinEdgeCommand) async throws(OperationFailure) -> [String: LuaValue] {
        let host = try self.host(for: command)
        var rollback = false
        if let value = command.fields["rollback"] {
            guard case .boolean(let flag) = value else {
                throw OperationFailure("must be a boolean, got \(value.typeName)", field: "rollback")
            }
            rollback = flag
        }
        let info: ModelInfo
        if rollback {
            do {
                info = try host.rollback(reason: "requested by command \(command.id)")
            } catch {
                throw OperationFailure("\(error)")
            }
        } else {
            guard let version = try Self.string(command, "version"), !version.isEmpty else {
                throw OperationFailure("is missing (or set \"rollback\": true)", field: "version")
            }
            // Activating the version that serves is a no-op, so a replay changes nothing.
            if let current = host.current?.info, current.version == version {
                return Self.describe(current)
            }
            do {
                info = try host.activate(version: version)
            } catch {
                throw OperationFailure("\(error)", field: error.code == .store ? "version" : nil)
            }
        }
        return Self.describe(info)
    }

    /// `{"status":"init"}` (optional `text`): takes a frame, runs the model, spools the JPEG with
    /// the verdict and uploads it. The result carries `label`, `confidence`, and `eventId` when the
    /// upload went through at once (`upload: "queued"` when it will be retried).
    func captureImage(_ command: ThinEdgeCommand) async throws(OperationFailure) -> [String: LuaValue] {
        guard let capture else { throw OperationFailure("image capture is not configured") }
        let host = try self.host(for: command)
        let text = try Self.string(command, "text")
        let frame: CapturedFrame
        do {
            frame = try await capture()
        } catch {
            throw OperationFailure("capture failed: \(error)")
        }
        let result: ModelRunner.Result
        do {
            result = try host.makeRunner().run(frame.inputs)
        } catch {
            throw OperationFailure("inference failed: \(error)")
        }
        guard let first = result.outputNames.first, let scores = result.outputs[first],
            let verdict = Classification(scores: scores, labels: result.info.labels)
        else {
            throw OperationFailure("the model produced no scores")
        }
        var results: [String: LuaValue] = Self.describe(result.info)
        results["label"] = .string(verdict.label)
        results["confidence"] = .number(verdict.confidence)
        guard let spool else { return results }
        let metadata = SampleMetadata(
            type: "edgemlops_capture",
            text: text ?? "Capture: \(verdict.label) (\(Int((verdict.confidence * 100).rounded())) %)",
            time: frame.time,
            model: result.info.name,
            version: result.info.version,
            label: verdict.label,
            confidence: verdict.confidence
        )
        let sample: SpooledSample
        do {
            sample = try spool.add(jpeg: frame.jpeg, metadata: metadata)
        } catch {
            throw OperationFailure("cannot spool the image: \(error)")
        }
        if let uploader {
            do {
                results["eventId"] = .string(try uploader.upload(sample))
            } catch {
                logger.warning("capture upload deferred", metadata: ["error": "\(error)"])
                results["upload"] = .string("queued")
            }
        } else {
            results["upload"] = .string("queued")
        }
        return results
    }

    /// `{"status":"init"}`: reloads the flow files through the agent's closure.
    func reloadFlowFiles(_ command: ThinEdgeCommand) async throws(OperationFailure) -> [String: LuaValue] {
        guard let reloadFlows else { throw OperationFailure("flow reload is not configured") }
        do {
            return ["flows": .string(try await reloadFlows())]
        } catch {
            throw OperationFailure("flow reload failed: \(error)")
        }
    }
}
