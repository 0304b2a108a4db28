import EdgeFlows
import EdgeVision
import Logging
import ServiceLifecycle
import Synchronization

import Dispatch
import Foundation

/// One inspection pipeline: camera → trigger → frame mailbox → model → flows.
///
/// The camera runs on its own thread into its ring. Without an event trigger a relay thread
/// moves each new frame (or one per period) into a one-frame ``FrameMailbox`` (never waiting),
/// so capture never blocks on inference and a slow model sees the newest frame while the
/// skipped ones are counted. With an event trigger (MQTT, GPIO) each event selects its frame
/// from the ring instead (``relayTriggers(_:)``) and the mailbox holds `trigger_queue` frames:
/// every triggered part is inspected, in order. On graceful shutdown the frame being inferred
/// is finished and delivered, then the pipeline returns.
public final class PipelineService: Service, CustomStringConvertible {
    public let configuration: PipelineConfiguration
    let source: any FrameSource
    let backend: any InferenceBackend
    /// Event trigger (`mqtt`, `gpio`); nil for `continuous` and `periodic`.
    let trigger: (any TriggerSource)?
    /// Twin, model monitor and samples; nil when monitoring and samples are off.
    public let feedback: InferenceFeedback?
    let deliver: @Sendable (FlowInput) -> Void
    let logger: Logger
    let slot: FrameMailbox<PipelineFrame>
    let statisticsBox: Mutex<PipelineStatistics>
    let relayStop = Atomic<Bool>(false)
    /// Set when ``run()`` has returned (camera stopped).
    let finished = Atomic<Bool>(false)

    public var description: String { "pipeline \(configuration.name)" }

    public init(
        configuration: PipelineConfiguration, source: any FrameSource, backend: any InferenceBackend,
        trigger: (any TriggerSource)? = nil, feedback: InferenceFeedback? = nil,
        deliver: @escaping @Sendable (FlowInput) -> Void, logger: Logger
    ) {
        self.feedback = feedback
        self.configuration = configuration
        self.source = source
        self.backend = backend
        self.trigger = trigger
        self.slot = FrameMailbox(capacity: trigger == nil ? 1 : configuration.triggerQueue)
        self.deliver = deliver
        self.logger = logger
        self.statisticsBox = Mutex(PipelineStatistics(name: configuration.name))
    }

    /// A consistent copy of the counters, the slot's included.
    public var statistics: PipelineStatistics {
        let slotStatistics = slot.statistics
        var copy = statisticsBox.withLock { $0 }
        copy.captured = source.stats.frames
        copy.dropped = slotStatistics.dropped
        copy.queueDepth = slotStatistics.depth
        if let mqtt = trigger as? MQTTTrigger { copy.rejectedTriggers = mqtt.counts.rejected }
        return copy
    }

    public func run() async throws {
        source.start()
        var triggerRelay: Task<Void, Never>?
        if let trigger {
            triggerRelay = Task { await self.relayTriggers(trigger) }
        } else {
            let relay = Thread { [self] in relayFrames() }
            relay.name = "relay-\(configuration.name)"
            relay.start()
        }
        logger.info(
            "pipeline started",
            metadata: [
                "pipeline": "\(configuration.name)", "camera": "\(source.name)", "model": "\(backend.modelName)",
                "trigger": "\(configuration.trigger)",
            ])
        // Inference blocks for milliseconds: it runs on the pipeline's own queue, so the
        // cooperative pool (trigger relays, MQTT, flows' timers) never waits behind a model.
        let inference = DispatchQueue(label: "inference-\(configuration.name)", qos: .userInitiated)
        await withGracefulShutdownHandler {
            while let next = await slot.next() {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    inference.async {
                        self.process(next)
                        done.resume()
                    }
                }
            }
        } onGracefulShutdown: {
            // Ends the loop after the frame in hand; the relays stop feeding.
            self.relayStop.store(true, ordering: .releasing)
            self.trigger?.stop()
            self.slot.finish()
        }
        relayStop.store(true, ordering: .releasing)
        trigger?.stop()
        slot.finish()
        await triggerRelay?.value
        source.stop()
        finished.store(true, ordering: .releasing)
        logger.info("pipeline stopped", metadata: ["pipeline": "\(configuration.name)"])
    }

    /// Stops this pipeline alone (a reload removed or changed it): the frame in hand is
    /// finished and delivered, then ``run()`` returns.
    public func stop() {
        relayStop.store(true, ordering: .releasing)
        trigger?.stop()
        slot.finish()
    }

    /// Waits until ``run()`` has returned, or `timeout` passed (a model stuck in a frame).
    @discardableResult
    public func waitUntilStopped(timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !finished.load(ordering: .acquiring) {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Relay thread: waits on the camera ring (blocking, off the cooperative pool) and offers
    /// each new frame, applying a periodic trigger's spacing.
    private func relayFrames() {
        var seen: UInt64 = 0
        var lastTaken: UInt64 = 0
        let periodNs: UInt64 = if case .periodic(let milliseconds) = configuration.trigger { UInt64(milliseconds) * 1_000_000 } else { 0 }
        while !relayStop.load(ordering: .acquiring) {
            guard let (frame, count) = source.ring.waitForFrame(after: seen, timeoutNs: 100_000_000) else { continue }
            seen = count
            if periodNs > 0 {
                guard lastTaken == 0 || frame.timestampNs >= lastTaken + periodNs else { continue }
                lastTaken = frame.timestampNs
            }
            slot.offer(PipelineFrame(frame: frame))
        }
    }

    private func process(_ next: PipelineFrame) {
        let frame = next.frame
        let result: InferenceResult
        do {
            result = try backend.infer(frame)
        } catch {
            statisticsBox.withLock { $0.failures += 1 }
            logger.warning("inference failed", metadata: ["pipeline": "\(configuration.name)", "error": "\(error)"])
            return
        }
        // `time`: the exposure as Unix seconds, so a subscriber can measure capture → delivery
        // (frame timestamps are CLOCK_MONOTONIC; the offset to wall time is taken now).
        // Full resolution: the connector's clock stops at milliseconds, which would bias a
        // capture-to-delivery latency of a few milliseconds.
        let exposureAge = Double(MonotonicClock.nowNs() &- frame.timestampNs) / 1e9
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var frameInfo: [String: LuaValue] = [
            "time": .number(Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 - exposureAge),
            "id": .number(Double(frame.sequence)), "camera": .string(source.name),
            "pipeline": .string(configuration.name), "width": .number(Double(frame.width)),
            "height": .number(Double(frame.height)),
        ]
        frameInfo.merge(Self.triggerFields(next.trigger, frame: frame, kind: configuration.trigger)) { _, new in new }
        feedback?.remember(frame, result: result)
        deliver(
            .verdict(
                label: result.label, score: result.score, scores: result.scores, model: backend.modelName,
                latencyMs: result.latencyMilliseconds, frame: frameInfo))
        let latency = Double(MonotonicClock.nowNs() &- frame.timestampNs) / 1e6
        if let feedback {
            feedback.observe(frame, result: result, backend: backend)
            let dropped = slot.statistics.dropped
            let newlyDropped = statisticsBox.withLock { statistics in
                defer { statistics.droppedReported = dropped }
                return dropped - statistics.droppedReported
            }
            feedback.dropped(newlyDropped)
        }
        statisticsBox.withLock { statistics in
            statistics.inferred += 1
            statistics.verdicts[result.label, default: 0] += 1
            statistics.latency.record(latency)
            statistics.modelLatency.record(result.latencyMilliseconds)
        }
    }
}
