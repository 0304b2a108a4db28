import EdgeCloud
import EdgeOps
import EdgeVision
import Logging
import Synchronization

/// What a pipeline reports about its model besides the verdicts: the `edgemlops_model` twin
/// (name, version, sha256, republished when the serving version changes), the monitor's
/// measurement and drift alarm (``ModelMonitor``: latency, confidence, verdict counts, PSI of
/// confidence and of the frames' brightness, contrast and sharpness), and samples for
/// retraining — frames below `low_confidence` (at most one per `interval_s`) and frames a flow
/// asks for with its `sample` node — written as JPEG to the spool the uploader drains.
///
/// ``remember(_:result:)`` runs before the verdict goes to the flows, ``observe(_:result:backend:)``
/// after it, both on the pipeline's inference task; the statistics work there is a 64×48 grey thumbnail (a few µs), and JPEG
/// encoding happens only for the rare sampled frame.
public final class InferenceFeedback: Sendable {
    public let pipeline: String
    public let monitor: ModelMonitor
    let connector: Connector
    let spool: SampleSpool?
    let lowConfidence: Double
    let sampleIntervalNs: UInt64
    let logger: Logger
    private let state = Mutex(State())
    private let thumbnail: Mutex<Thumbnailer>

    /// How many recent frames are kept for `sample` outputs, which arrive from the flows after
    /// the verdict (the flows run on their own executor and may lag behind under load).
    public let recentFrames: Int

    struct State {
        var version: String?
        var lastSampleNs: UInt64 = 0
        var recent: [(frame: CameraFrame, result: InferenceResult)] = []
        var samples = 0
        /// Frames already spooled (the built-in rule and a flow may pick the same one).
        var keptSequences: [UInt32] = []
    }

    /// The preprocessor keeps scratch buffers: confined to its mutex.
    private struct Thumbnailer: @unchecked Sendable {
        var preprocessor: Preprocessor?
    }

    public init(
        pipeline: String, connector: Connector, monitor: ModelMonitor, spool: SampleSpool?, lowConfidence: Double,
        sampleInterval: Duration, recentFrames: Int = 8, logger: Logger
    ) {
        self.recentFrames = max(recentFrames, 1)
        self.pipeline = pipeline
        self.connector = connector
        self.monitor = monitor
        self.spool = spool
        self.lowConfidence = lowConfidence
        let (seconds, attoseconds) = sampleInterval.components
        self.sampleIntervalNs = UInt64(max(seconds, 0)) * 1_000_000_000 + UInt64(max(attoseconds, 0) / 1_000_000_000)
        self.logger = logger
        let spec = PreprocessSpec(width: 64, height: 48, color: .gray8, layout: .nhwc, output: .uint8(scale: 1 / 255, zeroPoint: 0))
        self.thumbnail = Mutex(Thumbnailer(preprocessor: try? Preprocessor(spec: spec)))
    }

    /// Samples kept so far (both reasons).
    public var samplesKept: Int { state.withLock { $0.samples } }

    /// Keeps the frame for a flow's `sample` output. Called before the verdict goes to the
    /// flows: a fast flow may ask for the frame before ``observe(_:result:backend:)`` runs.
    public func remember(_ frame: CameraFrame, result: InferenceResult) {
        state.withLock { state in
            state.recent.append((frame, result))
            if state.recent.count > recentFrames { state.recent.removeFirst(state.recent.count - recentFrames) }
        }
    }

    /// Records one inference; publishes the twin when the serving version changed.
    public func observe(_ frame: CameraFrame, result: InferenceResult, backend: any InferenceBackend) {
        let version = result.modelVersion ?? backend.modelInfo.version
        let (changed, due) = state.withLock { state -> (Bool, Bool) in
            let changed = state.version != version
            state.version = version
            var due = false
            if result.score < lowConfidence, state.lastSampleNs == 0 || frame.timestampNs >= state.lastSampleNs + sampleIntervalNs {
                state.lastSampleNs = frame.timestampNs
                due = true
            }
            return (changed, due)
        }
        if changed {
            // A new version starts a new baseline: its confidences are its own.
            let info = backend.modelInfo
            monitor.reset(for: info)
            publish(monitor.twin(info))
            logger.info("serving model", metadata: ["pipeline": "\(pipeline)", "model": "\(info.name)", "version": "\(info.version)"])
        }
        let statistics = thumbnail.withLock { thumbnailer -> FrameStatistics? in
            guard let preprocessor = thumbnailer.preprocessor, case .uint8(let luma)? = try? preprocessor.run(frame) else { return nil }
            return FrameStatistics(luma: luma, width: 64, height: 48)
        }
        monitor.record(
            latency: .microseconds(Int64((result.latencyMilliseconds * 1000).rounded())),
            classification: Classification(index: 0, label: result.label, confidence: result.score),
            statistics: statistics)
        if due {
            keep(frame, result, reason: "low confidence", model: backend.modelInfo)
        }
    }

    /// Frames skipped by back-pressure, for the monitor's `dropped` count.
    public func dropped(_ count: Int) {
        if count > 0 { monitor.recordDropped(count) }
    }

    /// A flow's `sample` output for frame `id`; false when the frame is no longer recent.
    @discardableResult
    public func sample(frameID: Int, reason: String, model: ModelInfo) -> Bool {
        let match = state.withLock { state in state.recent.last { Int($0.frame.sequence) == frameID } }
        guard let match else {
            logger.warning(
                "sample requested for a frame no longer kept",
                metadata: ["pipeline": "\(pipeline)", "frame": "\(frameID)", "kept": "\(recentFrames)"])
            return false
        }
        keep(match.frame, match.result, reason: reason, model: model)
        return true
    }

    /// The monitor's measurement and drift alarm for this interval.
    public func tick(now: Double) -> [MQTTMessage] {
        monitor.tick(now: now)
    }

    private func keep(_ frame: CameraFrame, _ result: InferenceResult, reason: String, model: ModelInfo) {
        guard let spool else { return }
        let first = state.withLock { state -> Bool in
            guard !state.keptSequences.contains(frame.sequence) else { return false }
            state.keptSequences.append(frame.sequence)
            if state.keptSequences.count > 16 { state.keptSequences.removeFirst() }
            return true
        }
        guard first else { return }
        do {
            let jpeg = try JPEGCodec().encode(try frame.image(.rgb8), quality: 85)
            let metadata = SampleMetadata(
                type: "edgemlops_sample",
                text: "\(reason): \(result.label) (\(Int((result.score * 100).rounded())) %) on \(pipeline)",
                time: Connector.wallClock(), model: model.name, version: result.modelVersion ?? model.version,
                label: result.label, confidence: result.score)
            _ = try spool.add(jpeg: jpeg, metadata: metadata)
            state.withLock { $0.samples += 1 }
        } catch {
            logger.warning("sample not kept", metadata: ["pipeline": "\(pipeline)", "error": "\(error)"])
        }
    }

    private func publish(_ message: MQTTMessage) {
        do {
            try connector.publish(message, priority: .state)
        } catch {
            logger.error("model twin not queued", metadata: ["connector.error": "\(error)"])
        }
    }
}
