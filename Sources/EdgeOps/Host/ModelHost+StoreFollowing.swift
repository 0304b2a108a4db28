import Logging
import Synchronization

extension ModelHost {
    /// Serves the version the store marks active when another process changed it — the
    /// sm-plugin's `install`, run by thin-edge for a Cumulocity software update — so a model
    /// rolled out over the air serves within one poll, on probation like any activation.
    ///
    /// Returns the version now serving when it changed, nil when there was nothing to do. A
    /// version that does not load is not served: when the store's `previous` is the version
    /// serving, the store is rolled back to it (``Event/rolledBack(from:to:reason:)``) so store
    /// and host agree again; otherwise the version is refused until the store names another.
    @discardableResult
    public func followStore() throws(ModelHostError) -> ModelInfo? {
        let active: String?
        do {
            active = try store.active(name)
        } catch {
            throw ModelHostError(code: .store, message: "\(error)")
        }
        let serving = current?.info.version
        guard let active, active != serving else { return nil }
        let skip = state.withLock { $0.switching || $0.refused == active }
        guard !skip else { return nil }
        do {
            let (info, model, spec) = try Self.load(directory: store.path(of: name, version: active), version: active)
            install(info: info, model: model, spec: spec, probation: Probation(policy: policy))
            logger.info(
                "model activated from the store", metadata: ["model": "\(name)", "version": "\(active)", "replaces": "\(serving ?? "-")"])
            onEvent(.activated(version: active))
            return info
        } catch {
            let reason = "\(active) does not load: \(error)"
            if let serving, (try? store.previous(name)) == serving, (try? store.rollback(name: name)) == serving {
                logger.error("store activation not served; store rolled back", metadata: ["model": "\(name)", "reason": "\(reason)"])
                onEvent(.rolledBack(from: active, to: serving, reason: reason))
            } else {
                state.withLock { $0.refused = active }
                logger.error("store activation not served", metadata: ["model": "\(name)", "reason": "\(reason)"])
            }
            throw error
        }
    }
}
