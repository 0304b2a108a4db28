import Logging
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension FlowEngine {
    /// `<contextDirectory>/global-context.json` (flow files use `<flow>.context.json`).
    var globalContextFile: String? {
        policy.contextDirectory.map { $0 + "/global-context.json" }
    }

    /// Loads the persisted global context, if any.
    public func restoreGlobalContext() {
        guard let file = globalContextFile, let data = FileManager.default.contents(atPath: file) else { return }
        let text = String(decoding: data, as: UTF8.self)
        do {
            var snapshot: [String: LuaValue] = [:]
            for (key, value) in try FlowJSON.decode(text, file: file).tableValue ?? [:] {
                if case .string(let name) = key { snapshot[name] = value }
            }
            global.restore(snapshot)
            savedGlobal.withLock { $0 = text }
        } catch {
            logger.warning("ignoring unreadable global context", metadata: ["file": "\(file)", "error": "\(error)"])
        }
    }

    /// Writes the global context if it changed since the last write.
    public func flushGlobalContext() {
        guard let file = globalContextFile else { return }
        let snapshot = global.snapshot
        let text = FlowJSON.encode(
            .table(Dictionary(uniqueKeysWithValues: snapshot.map { (.string($0.key), $0.value) }))
        )
        guard savedGlobal.withLock({ $0 != text }) else { return }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
            savedGlobal.withLock { $0 = text }
        } catch {
            logger.warning("cannot write global context", metadata: ["file": "\(file)", "error": "\(error)"])
        }
    }

    /// Flushes the global context every ``FlowPolicy/flushInterval`` seconds until cancelled
    /// (flow context is flushed by each flow's own executor on the same interval).
    public func runContextFlusher() async {
        guard policy.contextDirectory != nil else { return }
        while !Task.isCancelled {
            do {
                try await clock.sleep(until: clock.now() + max(policy.flushInterval, 0.1))
            } catch {
                break
            }
            flushGlobalContext()
        }
        flushGlobalContext()
    }
}
