import Logging

/// Runs one flow on its own serial executor: messages and timers are processed one at a
/// time, so a slow or failing flow never delays another.
actor FlowWorker {
    enum Job: Sendable {
        case start
        case input(FlowInput)
        case tick
    }

    let path: String
    private(set) var name: String
    private var instance: FlowInstance?
    private let sink: any FlowSink
    let clock: any FlowClock
    let policy: FlowPolicy
    private let global: FlowGlobalContext
    let logger: Logger
    private(set) var consecutiveFailures = 0
    private(set) var disabled = false
    private(set) var processed = 0
    private var timer: (deadline: Double, task: Task<Void, Never>)?
    var lastFlush: Double
    var lastSavedContext: String?
    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation
    private var loop: Task<Void, Never>?

    init(
        path: String,
        source: String,
        sink: any FlowSink,
        clock: any FlowClock,
        policy: FlowPolicy,
        global: FlowGlobalContext,
        logger: Logger
    ) throws(FlowError) {
        self.path = path
        self.sink = sink
        self.clock = clock
        self.policy = policy
        self.global = global
        self.logger = logger
        let instance = try FlowInstance(source: source, path: path, limits: policy.limits, global: global)
        self.name = instance.name
        self.instance = instance
        self.lastFlush = clock.now()
        (jobs, continuation) = AsyncStream.makeStream(
            of: Job.self,
            bufferingPolicy: .bufferingNewest(policy.queueLimit)
        )
    }

    /// Restores context, starts the flow and begins processing queued jobs.
    func start() {
        restoreContext()
        run(.start)
        let jobs = self.jobs
        loop = Task { [weak self] in
            for await job in jobs {
                guard let self else { return }
                await self.handle(job)
            }
        }
    }

    /// Queues a message; returns at once.
    nonisolated func enqueue(_ input: FlowInput) {
        continuation.yield(.input(input))
    }

    /// Replaces the running flow with a new version of its file, keeping the old one on error.
    ///
    /// The new state is built and validated before the swap; context carries over as data.
    func reload(source: String) throws(FlowError) {
        let replacement = try FlowInstance(source: source, path: path, limits: policy.limits, global: global)
        if let old = instance, let context = try? old.exportContext() {
            try? replacement.importContext(context)
        }
        instance = replacement
        name = replacement.name
        if disabled {
            sink.deliver(engineAlarm(action: "clear", text: ""))
        }
        disabled = false
        consecutiveFailures = 0
        timer?.task.cancel()
        timer = nil
        run(.start)
    }

    /// Stops processing and writes context one last time.
    func stop() {
        continuation.finish()
        loop?.cancel()
        timer?.task.cancel()
        timer = nil
        flushContext(force: true)
        instance = nil
    }

    var currentInstance: FlowInstance? { instance }

    func status() -> FlowStatus {
        FlowStatus(
            name: name,
            path: path,
            disabled: disabled,
            consecutiveFailures: consecutiveFailures,
            processed: processed,
            memoryBytes: instance?.memoryInUse ?? 0
        )
    }

    // MARK: - Processing

    private func handle(_ job: Job) {
        if case .tick = job { timer = nil }
        run(job)
    }

    private func run(_ job: Job) {
        guard !disabled, let instance else { return }
        let now = clock.now()
        processed += 1
        do {
            let step =
                switch job {
                case .start: try instance.start(now: now)
                case .input(let input): try instance.input(input, now: now)
                case .tick: try instance.tick(now: now)
                }
            for output in step.outputs { sink.deliver(output) }
            for error in step.errors {
                logger.warning(
                    "flow node failed",
                    metadata: [
                        "flow": "\(name)", "node": "\(error.node)", "error": "\(error.fields["message"] ?? .nil)",
                    ]
                )
            }
            if let firstError = step.errors.first {
                failed(firstError.fields["message"]?.stringValue ?? "node error")
            } else {
                consecutiveFailures = 0
            }
            schedule(step.nextDeadline)
        } catch {
            logger.error(
                "flow failed on a message",
                metadata: ["flow": "\(name)", "file": "\(path)", "error": "\(error)"]
            )
            sink.deliver(
                FlowOutput(
                    kind: .error,
                    flow: name,
                    node: "",
                    time: now,
                    fields: .record(["message": .string(error.description), "type": .string(error.code.description)])
                )
            )
            failed(error.description)
        }
        flushContext(force: false)
    }

    private func failed(_ message: String) {
        consecutiveFailures += 1
        guard consecutiveFailures >= policy.maxConsecutiveFailures, !disabled else { return }
        disabled = true
        timer?.task.cancel()
        timer = nil
        let text = "flow \(name) disabled after \(consecutiveFailures) consecutive failures; last: \(message)"
        logger.critical("\(text)", metadata: ["flow": "\(name)", "file": "\(path)"])
        sink.deliver(engineAlarm(action: "raise", text: text))
    }

    private func engineAlarm(action: String, text: String) -> FlowOutput {
        FlowOutput(
            kind: .alarm,
            flow: name,
            node: "",
            time: clock.now(),
            fields: .record([
                "type": "flow_disabled", "action": .string(action), "severity": "major", "text": .string(text),
            ])
        )
    }

    private func schedule(_ deadline: Double?) {
        guard let deadline else { return }
        if let timer, timer.deadline <= deadline { return }
        timer?.task.cancel()
        let clock = self.clock
        let continuation = self.continuation
        timer = (
            deadline,
            Task {
                do {
                    try await clock.sleep(until: deadline)
                    continuation.yield(.tick)
                } catch {}
            }
        )
    }
}
