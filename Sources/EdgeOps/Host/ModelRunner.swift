import EdgeInference

/// One pipeline thread's way to run the hosted model. Not thread-safe: make one per thread with
/// ``ModelHost/makeRunner()``. Each call takes the host's current model, rebuilds the session when
/// the model was swapped, runs, and reports the outcome to the host's probation.
public final class ModelRunner {
    public struct Result {
        public var info: ModelInfo
        public var outputs: [String: Tensor]
        /// Names in graph order, so the first output is `outputs[outputNames[0]]`.
        public var outputNames: [String]
        public var latency: Duration
        /// The generation that produced this result; a change means the model was swapped.
        public var generation: Int
    }

    public let host: ModelHost
    /// Intra-op threads of this runner's sessions.
    public var threads = 1
    var session: InferenceSession?
    var generation = -1

    init(host: ModelHost) { self.host = host }

    /// Runs the current model on `inputs` (by graph input name). A run that throws or produces a
    /// non-finite float counts as a failed inference for probation and throws here.
    public func run(_ inputs: [String: Tensor]) throws(ModelHostError) -> Result {
        guard let loaded = host.current else {
            throw ModelHostError(code: .noModel, message: "model '\(host.name)' is not loaded")
        }
        if generation != loaded.generation || session == nil {
            let fresh = loaded.model.makeSession()
            fresh.threads = threads
            session = fresh
            generation = loaded.generation
        }
        let session = session!
        let outputs: [String: Tensor]
        do {
            outputs = try session.run(inputs)
        } catch {
            host.record(.failed(reason: "\(error)"), generation: loaded.generation)
            throw ModelHostError(code: .inference, message: "\(error)", version: loaded.info.version)
        }
        for (name, tensor) in outputs where tensor.elementType.isFloat {
            if let index = tensor.doubles().firstIndex(where: { !$0.isFinite }) {
                let reason = "output '\(name)' element \(index) is not finite"
                host.record(.failed(reason: reason), generation: loaded.generation)
                throw ModelHostError(code: .inference, message: reason, version: loaded.info.version)
            }
        }
        let latency = Duration.nanoseconds(Int64(session.lastRunNanoseconds))
        host.record(.succeeded(latency: latency), generation: loaded.generation)
        return Result(
            info: loaded.info,
            outputs: outputs,
            outputNames: loaded.model.outputNames,
            latency: latency,
            generation: loaded.generation
        )
    }
}
