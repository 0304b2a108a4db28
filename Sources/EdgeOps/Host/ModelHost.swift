import EdgeInference
import Foundation
import Logging
import Synchronization

/// Holds the model that serves, for every pipeline thread at once.
///
/// Readers take the current ``LoadedModel`` under a short lock and run it outside the lock, so a
/// swap never waits for an inference nor drops a frame: a new version is compiled while the old
/// one keeps serving, then the reference is replaced. Each pipeline thread runs through its own
/// ``ModelRunner``, which rebuilds its session when the generation changes.
///
/// A newly activated version is on probation (``ProbationPolicy``) for its first inferences: too
/// many failures (errors, non-finite outputs) or runs over the latency budget roll the store back
/// to `previous`, reload it, and report a ``Event/rolledBack(from:to:reason:)``.
public final class ModelHost: Sendable {
    public enum Event: Sendable, Equatable {
        case activated(version: String)
        case confirmed(version: String)
        case rolledBack(from: String, to: String, reason: String)
        /// Probation failed but there is no previous version: the failing model keeps serving.
        case rollbackImpossible(version: String, reason: String)
    }

    struct State {
        var loaded: LoadedModel?
        var probation: Probation?
        var generation = 0
        /// True while ``activate(version:)`` or ``rollback(reason:)`` runs: the store may already
        /// name the new version while the host still compiles it.
        var switching = false
        /// A store version ``followStore()`` could not load and did not roll back: not retried
        /// until the store names another version.
        var refused: String?
    }

    public let store: ArtifactStore
    public let name: String
    public let policy: ProbationPolicy
    let logger: Logger
    let onEvent: @Sendable (Event) -> Void
    let state = Mutex(State())

    /// - Parameter onEvent: called (on the thread that caused it) for every activation, confirmation
    ///   and rollback; the agent forwards it to the cloud as an event.
    public init(
        store: ArtifactStore,
        name: String,
        policy: ProbationPolicy = ProbationPolicy(),
        logger: Logger,
        onEvent: @escaping @Sendable (Event) -> Void = { _ in }
    ) {
        self.store = store
        self.name = name
        self.policy = policy
        self.logger = logger
        self.onEvent = onEvent
    }

    /// The model serving now; nil before ``loadActive()``.
    public var current: LoadedModel? { state.withLock { $0.loaded } }

    /// True while the active version is still on probation.
    public var onProbation: Bool { state.withLock { $0.probation != nil } }

    /// Loads the version the store marks active (agent start-up). It is not put on probation: it
    /// was confirmed before the restart, or its probation restarts with the next activation.
    @discardableResult
    public func loadActive() throws(ModelHostError) -> ModelInfo {
        let version: String?
        do {
            version = try store.active(name)
        } catch {
            throw ModelHostError(code: .store, message: "\(error)")
        }
        guard let version else {
            throw ModelHostError(code: .noActiveVersion, message: "model '\(name)' has no active version")
        }
        let (info, model, spec) = try Self.load(directory: store.path(of: name, version: version), version: version)
        install(info: info, model: model, spec: spec, probation: nil)
        return info
    }

    /// Compiles `version`, points the store's `active` at it and swaps it in on probation.
    /// The previous model serves until the new one is compiled; a version that does not load
    /// leaves the store and the host untouched.
    @discardableResult
    public func activate(version: String) throws(ModelHostError) -> ModelInfo {
        state.withLock { $0.switching = true }
        defer { state.withLock { $0.switching = false } }
        let (info, model, spec) = try Self.load(directory: store.path(of: name, version: version), version: version)
        do {
            try store.activate(name: name, version: version)
        } catch {
            throw ModelHostError(code: .store, message: "\(error)", version: version)
        }
        install(info: info, model: model, spec: spec, probation: Probation(policy: policy))
        logger.info("model activated", metadata: ["model": "\(name)", "version": "\(version)"])
        onEvent(.activated(version: version))
        return info
    }

    /// Switches back to `previous` (on request, or after a failed probation) and loads it.
    @discardableResult
    public func rollback(reason: String) throws(ModelHostError) -> ModelInfo {
        let from = current?.info.version ?? "?"
        state.withLock { $0.switching = true }
        defer { state.withLock { $0.switching = false } }
        let to: String
        do {
            to = try store.rollback(name: name)
        } catch {
            throw ModelHostError(code: .store, message: "\(error)")
        }
        let (info, model, spec) = try Self.load(directory: store.path(of: name, version: to), version: to)
        // The restored version already proved itself; it is not put on probation again.
        install(info: info, model: model, spec: spec, probation: nil)
        logger.warning(
            "model rolled back",
            metadata: ["model": "\(name)", "from": "\(from)", "to": "\(to)", "reason": "\(reason)"]
        )
        onEvent(.rolledBack(from: from, to: to, reason: reason))
        return info
    }

    /// Counts one inference of `generation` towards its probation. Outcomes of a generation that
    /// is no longer current (a frame that was in flight during a swap) are ignored.
    public func record(_ outcome: InferenceOutcome, generation: Int) {
        let verdict: (version: String, verdict: Probation.Verdict)? = state.withLock { state in
            guard let loaded = state.loaded, loaded.generation == generation, var probation = state.probation else {
                return nil
            }
            let verdict = probation.record(outcome)
            switch verdict {
            case .watching:
                state.probation = probation
                return nil
            case .confirmed, .rollback:
                // Settled: later outcomes of this generation must not trigger a second rollback.
                state.probation = nil
                return (loaded.info.version, verdict)
            }
        }
        guard let verdict else { return }
        switch verdict.verdict {
        case .watching:
            return
        case .confirmed:
            logger.info("model confirmed", metadata: ["model": "\(name)", "version": "\(verdict.version)"])
            onEvent(.confirmed(version: verdict.version))
        case .rollback(let reason):
            let hasPrevious = (try? store.previous(name)) != nil
            guard hasPrevious else {
                logger.error(
                    "model failed probation and has no previous version",
                    metadata: ["model": "\(name)", "reason": "\(reason)"]
                )
                onEvent(.rollbackImpossible(version: verdict.version, reason: reason))
                return
            }
            do {
                try rollback(reason: reason)
            } catch {
                logger.error("rollback failed", metadata: ["model": "\(name)", "error": "\(error)"])
                onEvent(.rollbackImpossible(version: verdict.version, reason: "\(reason); rollback failed: \(error)"))
            }
        }
    }

    /// A runner for one pipeline thread.
    public func makeRunner() -> ModelRunner { ModelRunner(host: self) }

    func install(info: ModelInfo, model: CompiledModel, spec: ModelInputSpec?, probation: Probation?) {
        state.withLock { state in
            state.generation += 1
            state.loaded = LoadedModel(info: info, model: model, generation: state.generation, inputSpec: spec)
            state.probation = probation
        }
    }
}
