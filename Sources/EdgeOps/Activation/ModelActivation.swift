import Logging

/// The agent's handle on which model version serves: swap to an installed version, watch its
/// first inferences, and roll back to `previous` with a reason when it misbehaves.
///
/// The agent loads the new model from ``activate(version:)``'s path while the old one keeps
/// serving, then switches its executor reference, so no frame is dropped; this type only keeps
/// the store and the probation in step.
public actor ModelActivation {
    /// What happened after an inference was recorded.
    public enum Event: Sendable, Equatable {
        case none
        case confirmed(version: String)
        /// The store now points at `to`; the agent must load it. `reason` goes to the cloud.
        case rolledBack(from: String, to: String, reason: String)
        /// Rollback was due but there was no previous version; the failing model keeps serving.
        case rollbackImpossible(version: String, reason: String)
    }

    public let store: ArtifactStore
    public let name: String
    public let policy: ProbationPolicy
    let logger: Logger
    public private(set) var probation: Probation?

    public init(store: ArtifactStore, name: String, policy: ProbationPolicy, logger: Logger) {
        self.store = store
        self.name = name
        self.policy = policy
        self.logger = logger
    }

    /// Points `active` at `version` and starts its probation; returns the directory to load.
    public func activate(version: String) throws(StoreError) -> String {
        try store.activate(name: name, version: version)
        probation = Probation(policy: policy)
        logger.info("model activated", metadata: ["model": "\(name)", "version": "\(version)"])
        return store.path(of: name, version: version)
    }

    /// Switches back to `previous` on request (the `model_activate` operation's rollback).
    public func rollback(reason: String) throws(StoreError) -> String {
        let from = try store.active(name) ?? "?"
        let to = try store.rollback(name: name)
        // The restored version already proved itself; it is not put on probation again.
        probation = nil
        logger.warning(
            "model rolled back",
            metadata: ["model": "\(name)", "from": "\(from)", "to": "\(to)", "reason": "\(reason)"]
        )
        return to
    }

    /// Counts one inference of the active model.
    public func record(_ outcome: InferenceOutcome) throws(StoreError) -> Event {
        guard var current = probation else { return .none }
        let before = current.verdict
        let verdict = current.record(outcome)
        probation = current
        guard verdict != before else { return .none }
        let version = try store.active(name) ?? "?"
        switch verdict {
        case .watching:
            return .none
        case .confirmed:
            probation = nil
            return .confirmed(version: version)
        case .rollback(let reason):
            guard try store.previous(name) != nil else {
                probation = nil
                logger.error(
                    "model failed probation and has no previous version",
                    metadata: ["model": "\(name)", "reason": "\(reason)"]
                )
                return .rollbackImpossible(version: version, reason: reason)
            }
            let to = try rollback(reason: reason)
            return .rolledBack(from: version, to: to, reason: reason)
        }
    }
}
