import Foundation
import Logging

/// thin-edge's software-management plugin for one software type (`edgemlops-model` or
/// `edgemlops-flow`): `install` runs the gate, commits to the store and activates; `list`
/// prints the active version of each module as `name\tversion`.
public struct SMPlugin: Sendable {
    public let kind: ArtifactKind
    public let settings: SMPluginSettings
    let logger: Logger
    let fault: StoreFaultHook?
    /// Checks a staged flow file; returns its errors (empty when the flow is sound). Injected by
    /// the CLI, which links the flow engine; EdgeOps itself does not depend on Lua.
    public var flowChecker: (@Sendable (_ path: String) -> [String])?

    /// - Parameter fault: called before each durable store step; tests use it to crash there.
    public init(kind: ArtifactKind, settings: SMPluginSettings, logger: Logger, fault: StoreFaultHook? = nil) {
        self.kind = kind
        self.settings = settings
        self.logger = logger
        self.fault = fault
    }

    public var store: ArtifactStore {
        ArtifactStore(
            root: settings.stateDirectory + "/" + kind.stateSubdirectory,
            kind: kind,
            publishDirectory: kind == .flow ? settings.flowsDirectory : nil,
            fault: fault
        )
    }

    public func run(_ arguments: [String]) async -> SMPluginResult {
        let request: SMPluginRequest
        do {
            request = try SMPluginRequest(arguments: arguments)
        } catch {
            return SMPluginResult(exitCode: .usage, stderr: "edgemlops sm-plugin: \(error)\n")
        }
        return await run(request)
    }

    public func run(_ request: SMPluginRequest) async -> SMPluginResult {
        if request == .updateList {
            return SMPluginResult(
                exitCode: .usage,
                stderr: "update-list is not supported; use single install/remove calls\n"
            )
        }
        if request == .list { return list() }
        let lock: StoreLock
        do {
            lock = try StoreLock(directory: store.root)
        } catch let error as StoreLock.Busy {
            return SMPluginResult(exitCode: .retryLater, stderr: "\(error)\n")
        } catch {
            return SMPluginResult(exitCode: .failure, stderr: "\(error)\n")
        }
        defer { withExtendedLifetime(lock) {} }
        do {
            switch request {
            case .prepare:
                try store.recover()
                return SMPluginResult(exitCode: .success)
            case .finalize:
                for name in try store.names() { try store.collectGarbage(name: name, keep: settings.keepVersions) }
                return SMPluginResult(exitCode: .success)
            case .install(let name, let version, let file):
                return try await install(name: name, version: version, file: file)
            case .remove(let name, let version):
                return try remove(name: name, version: version)
            case .list, .updateList:
                return SMPluginResult(exitCode: .usage)
            }
        } catch {
            return SMPluginResult(exitCode: .failure, stderr: "\(error)\n")
        }
    }

    func list() -> SMPluginResult {
        do {
            var lines = ""
            for name in try store.names() {
                if let version = try store.active(name) { lines += "\(name)\t\(version)\n" }
            }
            return SMPluginResult(exitCode: .success, stdout: lines)
        } catch {
            return SMPluginResult(exitCode: .failure, stderr: "\(error)\n")
        }
    }

    func install(name: String, version: String?, file: String?) async throws(StoreError) -> SMPluginResult {
        try ArtifactStore.validate(name, field: "name")
        guard let version else {
            return SMPluginResult(
                exitCode: .usage,
                stderr: "install \(name): --module-version is required (versions are kept side by side)\n"
            )
        }
        try ArtifactStore.validate(version, field: "version")
        guard let file else {
            // No file: switch to a version already in the store (how the cloud rolls back).
            guard try store.versions(of: name).contains(version) else {
                return SMPluginResult(
                    exitCode: .failure,
                    stderr: "install \(name) \(version): no --file and this version is not installed\n"
                )
            }
            try store.activate(name: name, version: version)
            return SMPluginResult(exitCode: .success, stderr: "\(name) \(version) activated from the store\n")
        }
        if try store.versions(of: name).contains(version) {
            try store.activate(name: name, version: version)
            return SMPluginResult(exitCode: .success, stderr: "\(name) \(version) already installed; activated\n")
        }
        let staging = try store.makeStaging(name: name, version: version)
        let outcome: SMPluginResult?
        switch kind {
        case .model: outcome = await stageModel(name: name, version: version, file: file, staging: staging)
        case .flow: outcome = stageFlow(name: name, file: file, staging: staging)
        }
        if let outcome {
            try Durable.removeTree(staging)
            return outcome
        }
        try store.commit(staging: staging, name: name, version: version)
        try store.activate(name: name, version: version)
        logger.info(
            "installed and activated",
            metadata: ["type": "\(kind.softwareType)", "name": "\(name)", "version": "\(version)"]
        )
        return SMPluginResult(exitCode: .success, stderr: "\(name) \(version) installed and active\n")
    }

    /// Runs the gate; nil when it passed, else the failure to return.
    func stageModel(name: String, version: String, file: String, staging: String) async -> SMPluginResult? {
        let report = await InstallGate(configuration: settings.gate, logger: logger).run(
            file: file,
            name: name,
            version: version,
            staging: staging
        )
        guard let failure = report.failure else { return nil }
        return SMPluginResult(
            exitCode: .failure,
            stderr:
                "install \(name) \(version) refused at step '\(failure.step)': \(failure.error)\ninstall gate:\n\(report)\n"
        )
    }

    /// A flow is a `.lua` file or a `tar.gz`/`tar` holding `<name>.lua` and its tests.
    func stageFlow(name: String, file: String, staging: String) -> SMPluginResult? {
        guard let data = FileManager.default.contents(atPath: file) else {
            return SMPluginResult(exitCode: .failure, stderr: "\(file): cannot read\n")
        }
        guard data.count <= settings.gate.maxBundleBytes else {
            return SMPluginResult(
                exitCode: .failure,
                stderr: "\(file): \(data.count) bytes, over the cap of \(settings.gate.maxBundleBytes)\n"
            )
        }
        var bytes = [UInt8](data)
        do {
            if Gzip.isGzip(bytes) { bytes = try Gzip.decompress(bytes, maxOutput: settings.gate.maxUnpackedBytes) }
            if InstallGate.isTar(bytes) {
                let files = try TarExtractor(destination: staging, maxTotalBytes: settings.gate.maxUnpackedBytes)
                    .extract(TarReader(bytes: bytes))
                guard files.contains(name + ".lua") else {
                    return SMPluginResult(
                        exitCode: .failure,
                        stderr: "\(file): the archive has no \(name).lua at its top level\n"
                    )
                }
                return checkFlow(staging + "/" + name + ".lua")
            }
        } catch {
            return SMPluginResult(exitCode: .failure, stderr: "\(file): \(error)\n")
        }
        guard FileManager.default.createFile(atPath: staging + "/" + name + ".lua", contents: Data(bytes)) else {
            return SMPluginResult(exitCode: .failure, stderr: "\(staging): cannot write \(name).lua\n")
        }
        return checkFlow(staging + "/" + name + ".lua")
    }

    /// A flow that does not pass `flow check` never reaches the engine's directory.
    func checkFlow(_ path: String) -> SMPluginResult? {
        guard let errors = flowChecker?(path), !errors.isEmpty else { return nil }
        return SMPluginResult(
            exitCode: .failure,
            stderr: "flow refused by flow check:\n" + errors.joined(separator: "\n") + "\n"
        )
    }

    func remove(name: String, version: String?) throws(StoreError) -> SMPluginResult {
        try ArtifactStore.validate(name, field: "name")
        switch kind {
        case .flow:
            // Removing a flow from the cloud retires it: unlink it from the engine, delete its versions.
            try store.uninstall(name: name)
            return SMPluginResult(exitCode: .success)
        case .model:
            let active = try store.active(name)
            guard let target = version ?? active else {
                for v in try store.versions(of: name) { try store.remove(name: name, version: v) }
                return SMPluginResult(exitCode: .success)
            }
            if target == active {
                return SMPluginResult(
                    exitCode: .failure,
                    stderr:
                        "remove \(name) \(target): this is the model serving now; install or activate another version first\n"
                )
            }
            try store.remove(name: name, version: target)
            return SMPluginResult(exitCode: .success)
        }
    }
}
