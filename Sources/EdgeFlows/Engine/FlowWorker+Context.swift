import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension FlowWorker {
    var contextFile: String? {
        policy.contextDirectory.map { $0 + "/" + name + ".context.json" }
    }

    /// Loads `<contextDirectory>/<flow>.context.json` into the new flow, if present.
    func restoreContext() {
        guard let file = contextFile, let instance = currentInstance,
            let data = FileManager.default.contents(atPath: file)
        else { return }
        let text = String(decoding: data, as: UTF8.self)
        do {
            try instance.importContext(try FlowJSON.decode(text, file: file))
            lastSavedContext = text
        } catch {
            logger.warning("ignoring unreadable flow context", metadata: ["file": "\(file)", "error": "\(error)"])
        }
    }

    /// Writes the flow context when the flush interval has passed (or `force`) and it changed.
    func flushContext(force: Bool) {
        guard let file = contextFile, let instance = currentInstance else { return }
        let now = clock.now()
        guard force || now - lastFlush >= policy.flushInterval else { return }
        lastFlush = now
        guard let context = try? instance.exportContext() else { return }
        let text = FlowJSON.encode(context)
        guard text != lastSavedContext else { return }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
            lastSavedContext = text
        } catch {
            logger.warning("cannot write flow context", metadata: ["file": "\(file)", "error": "\(error)"])
        }
    }
}
