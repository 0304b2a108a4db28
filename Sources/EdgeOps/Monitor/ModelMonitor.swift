import EdgeCloud
import EdgeFlows
import Foundation
import Synchronization

/// Per-model health for the cloud. The pipeline calls ``record(latency:classification:statistics:)``
/// per frame and ``recordDropped(_:)`` for frames it had to skip; the agent calls ``tick(now:)``
/// every ``MonitorConfiguration/interval`` and publishes what it returns:
///
/// - `te/…/m/edgemlops_model`: latency p50/p99 (ms), frames processed/dropped, verdict counts
///   per class, mean confidence, and the drift index, over the interval;
/// - `te/…/a/model_drift`: raised when the population stability index of recent confidences or
///   input statistics against the baseline exceeds the raise threshold, cleared (empty retained
///   payload) when it falls below the clear threshold.
///
/// ``twin(_:)`` gives the retained `edgemlops_model` twin fragment (name, version, sha256);
/// ``reset(for:baseline:)`` starts over after a model swap.
public final class ModelMonitor: Sendable {
    public static let measurementType = "edgemlops_model"
    public static let alarmType = "model_drift"
    public static let twinFragment = "edgemlops_model"

    struct State {
        var info: ModelInfo?
        var latencies: [Double] = []
        var processed = 0
        var dropped = 0
        var verdicts: [String: Int] = [:]
        var confidenceSum = 0.0
        var collecting = DriftBaseline()
        var reference: [String: PopulationStability]?
        var recent = DriftBaseline()
        var alarmRaised = false
        var lastDrift = 0.0
    }

    public let thinEdge: ThinEdgeModel
    public let configuration: MonitorConfiguration
    let state = Mutex(State())

    public init(thinEdge: ThinEdgeModel, configuration: MonitorConfiguration = MonitorConfiguration()) {
        self.thinEdge = thinEdge
        self.configuration = configuration
    }

    /// Starts monitoring `info`: counters and windows restart; with `baseline` nil the first
    /// ``MonitorConfiguration/baselineFrames`` frames become the baseline. An alarm raised for
    /// the previous model stays until the next tick decides on the new one.
    public func reset(for info: ModelInfo, baseline: DriftBaseline? = nil) {
        state.withLock { state in
            let raised = state.alarmRaised
            state = State()
            state.info = info
            state.alarmRaised = raised
            if let baseline { state.reference = Self.reference(baseline, bins: configuration.bins) }
        }
    }

    /// The retained twin fragment describing the serving model.
    public func twin(_ info: ModelInfo) -> MQTTMessage {
        thinEdge.twin(
            Self.twinFragment,
            value: .record(["name": .string(info.name), "version": .string(info.version), "sha256": .string(info.sha256)])
        )
    }

    public func record(latency: Duration, classification: Classification, statistics: FrameStatistics?) {
        let (seconds, attoseconds) = latency.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        state.withLock { state in
            state.latencies.append(milliseconds)
            state.processed += 1
            state.verdicts[classification.label, default: 0] += 1
            state.confidenceSum += classification.confidence
            let sample = DriftBaseline(
                scores: [classification.confidence],
                brightness: statistics.map { [$0.brightness] } ?? [],
                contrast: statistics.map { [$0.contrast] } ?? [],
                sharpness: statistics.map { [$0.sharpness] } ?? []
            )
            if state.reference == nil {
                Self.append(sample, to: &state.collecting, limit: .max)
                if state.collecting.scores.count >= configuration.baselineFrames {
                    state.reference = Self.reference(state.collecting, bins: configuration.bins)
                    state.collecting = DriftBaseline()
                }
            } else {
                Self.append(sample, to: &state.recent, limit: configuration.window)
            }
        }
    }

    public func recordDropped(_ count: Int = 1) {
        state.withLock { $0.dropped += count }
    }

    /// The drift index now: the largest PSI over the features with a baseline, 0 before one exists.
    public var drift: (index: Double, feature: String?) {
        state.withLock { Self.drift($0) }
    }

    /// The interval's measurement (nil when nothing happened), and an alarm raise or clear when
    /// the drift state changed. Interval counters restart.
    public func tick(now: Double) -> [MQTTMessage] {
        let (values, alarm): ([String: LuaValue]?, MQTTMessage?) = state.withLock { state in
            let (index, feature) = Self.drift(state)
            var alarm: MQTTMessage?
            // Judge only a full window: a few frames after a swap say little.
            let judged = state.reference != nil && state.recent.scores.count >= configuration.window
            if judged && !state.alarmRaised && index > configuration.raiseAbove {
                state.alarmRaised = true
                let model = state.info.map { "\($0.name) \($0.version)" } ?? "the model"
                alarm = thinEdge.raiseAlarm(
                    Self.alarmType,
                    severity: .major,
                    text: String(format: "Input or score drift on %@: %@ PSI %.2f", model, feature ?? "?", index),
                    time: now,
                    fragments: ["psi": .number(index), "feature": .string(feature ?? "")]
                )
            } else if judged && state.alarmRaised && index < configuration.clearBelow {
                state.alarmRaised = false
                alarm = thinEdge.clearAlarm(Self.alarmType)
            }
            state.lastDrift = index
            guard state.processed > 0 || state.dropped > 0 else { return (nil, alarm) }
            let sorted = state.latencies.sorted()
            var values: [String: LuaValue] = [
                "frames": .record(["processed": .number(Double(state.processed)), "dropped": .number(Double(state.dropped))]),
                "drift": .record(["psi": .number(index)]),
            ]
            if !sorted.isEmpty {
                values["latency"] = .record([
                    "p50": .number(Self.percentile(sorted, 0.5)), "p99": .number(Self.percentile(sorted, 0.99)),
                ])
                values["confidence"] = .record(["mean": .number(state.confidenceSum / Double(state.processed))])
                values["verdicts"] = .record(state.verdicts.mapValues { .number(Double($0)) })
            }
            state.latencies = []
            state.processed = 0
            state.dropped = 0
            state.verdicts = [:]
            state.confidenceSum = 0
            return (values, alarm)
        }
        var messages: [MQTTMessage] = []
        if let values, let measurement = try? thinEdge.measurement(Self.measurementType, values: values, time: now) {
            messages.append(measurement)
        }
        if let alarm { messages.append(alarm) }
        return messages
    }

    static func drift(_ state: State) -> (index: Double, feature: String?) {
        guard let reference = state.reference else { return (0, nil) }
        let recent: [String: [Double]] = [
            "score": state.recent.scores, "brightness": state.recent.brightness,
            "contrast": state.recent.contrast, "sharpness": state.recent.sharpness,
        ]
        var best: (Double, String?) = (0, nil)
        for (feature, stability) in reference.sorted(by: { $0.key < $1.key }) {
            guard let values = recent[feature], !values.isEmpty else { continue }
            let index = stability.index(values)
            if index > best.0 { best = (index, feature) }
        }
        return best
    }

    static func reference(_ baseline: DriftBaseline, bins: Int) -> [String: PopulationStability] {
        var out: [String: PopulationStability] = [:]
        out["score"] = PopulationStability(baseline: baseline.scores, bins: bins)
        out["brightness"] = PopulationStability(baseline: baseline.brightness, bins: bins)
        out["contrast"] = PopulationStability(baseline: baseline.contrast, bins: bins)
        out["sharpness"] = PopulationStability(baseline: baseline.sharpness, bins: bins)
        return out
    }

    static func append(_ sample: DriftBaseline, to target: inout DriftBaseline, limit: Int) {
        func push(_ values: [Double], _ into: inout [Double]) {
            into += values
            if into.count > limit { into.removeFirst(into.count - limit) }
        }
        push(sample.scores, &target.scores)
        push(sample.brightness, &target.brightness)
        push(sample.contrast, &target.contrast)
        push(sample.sharpness, &target.sharpness)
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}
