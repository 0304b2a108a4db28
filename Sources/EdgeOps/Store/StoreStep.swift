/// The durable steps of a store operation, in the order they happen. A fault injected at a step
/// stops the operation right before that step, the way a power loss would.
public enum StoreStep: String, Sendable, CaseIterable {
    /// Files of the new version written and fsynced in the staging directory.
    case stagedFiles
    /// The staging directory renamed to `<version>/`.
    case versionRenamed
    /// The `previous` pointer replaced.
    case previousSwitched
    /// The `active` pointer replaced.
    case activeSwitched
    /// A flow's link in the flows directory replaced.
    case flowLinkSwitched
    /// A removed version renamed to its trash name.
    case versionTrashed
    /// The trash directory deleted.
    case trashDeleted
}

/// Called before each step; throwing stops the operation there. Tests use it to simulate crashes.
public typealias StoreFaultHook = @Sendable (StoreStep) throws(StoreError) -> Void
