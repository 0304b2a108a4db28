import EdgeOps
import Foundation
import Testing

/// Stops store operations at every durable step, as a power loss would, and checks that a
/// restarted store (after `recover()`) is consistent: `active` names a complete version that
/// is either the old or the new one, and no leftovers remain.
@Suite("Store crash consistency")
struct StoreCrashTests {
    static func crashingAt(_ stop: StoreStep) -> StoreFaultHook {
        { step throws(StoreError) in
            if step == stop { throw StoreError(code: .injectedFault, message: "crash before \(step)") }
        }
    }

    static func assertConsistent(_ store: ArtifactStore, name: String, allowedActive: Set<String>) throws {
        try store.recover()
        let active = try #require(try store.active(name))
        #expect(allowedActive.contains(active))
        let content = try String(contentsOfFile: store.path(of: name, version: active) + "/model.onnx", encoding: .utf8)
        #expect(content == active)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.root + "/" + name).filter {
            $0.hasPrefix(".")
        }
        #expect(leftovers.isEmpty)
        let top = try FileManager.default.contentsOfDirectory(atPath: store.root).filter { $0.hasPrefix(".") }
        #expect(top.isEmpty)
    }

    @Test(arguments: [StoreStep.stagedFiles, .versionRenamed, .previousSwitched, .activeSwitched])
    func installAndActivate(crashAt step: StoreStep) throws {
        let tmp = TemporaryDirectory()
        let root = tmp.path + "/models"
        let healthy = ArtifactStore(root: root, kind: .model)
        try ArtifactStoreTests.install(healthy, "m", "1")
        try healthy.activate(name: "m", version: "1")

        let crashing = ArtifactStore(root: root, kind: .model, fault: Self.crashingAt(step))
        #expect(throws: StoreError.self) {
            try ArtifactStoreTests.install(crashing, "m", "2")
            try crashing.activate(name: "m", version: "2")
        }
        try Self.assertConsistent(healthy, name: "m", allowedActive: ["1", "2"])
        // The interrupted operation can simply be repeated.
        try ArtifactStoreTests.install(healthy, "m", "2")
        try healthy.activate(name: "m", version: "2")
        #expect(try healthy.active("m") == "2")
        #expect(try healthy.previous("m") == "1")
    }

    @Test(arguments: [StoreStep.versionTrashed, .trashDeleted])
    func remove(crashAt step: StoreStep) throws {
        let tmp = TemporaryDirectory()
        let root = tmp.path + "/models"
        let healthy = ArtifactStore(root: root, kind: .model)
        try ArtifactStoreTests.install(healthy, "m", "1")
        try ArtifactStoreTests.install(healthy, "m", "2")
        try healthy.activate(name: "m", version: "1")
        let crashing = ArtifactStore(root: root, kind: .model, fault: Self.crashingAt(step))
        #expect(throws: StoreError.self) { try crashing.remove(name: "m", version: "2") }
        try Self.assertConsistent(healthy, name: "m", allowedActive: ["1"])
        #expect(try healthy.versions(of: "m") == (step == .versionTrashed ? ["1", "2"] : ["1"]))
    }

    /// After recovery the flow engine's link names the active version's script, whatever the crash point.
    @Test(arguments: [StoreStep.stagedFiles, .versionRenamed, .previousSwitched, .activeSwitched, .flowLinkSwitched])
    func flowActivation(crashAt step: StoreStep) throws {
        let tmp = TemporaryDirectory()
        let root = tmp.path + "/state/flows"
        let flows = tmp.path + "/flows"
        let healthy = ArtifactStore(root: root, kind: .flow, publishDirectory: flows)
        try ArtifactStoreTests.install(healthy, "f", "1", file: "f.lua")
        try healthy.activate(name: "f", version: "1")
        let crashing = ArtifactStore(root: root, kind: .flow, publishDirectory: flows, fault: Self.crashingAt(step))
        #expect(throws: StoreError.self) {
            try ArtifactStoreTests.install(crashing, "f", "2", file: "f.lua")
            try crashing.activate(name: "f", version: "2")
        }
        try healthy.recover()
        let active = try #require(try healthy.active("f"))
        #expect(try String(contentsOfFile: flows + "/f.lua", encoding: .utf8) == active)
        #expect(try FileManager.default.contentsOfDirectory(atPath: flows) == ["f.lua"])
    }

    @Test func danglingPointerIsDroppedOnRecovery() throws {
        let tmp = TemporaryDirectory()
        let store = ArtifactStore(root: tmp.path + "/models", kind: .model)
        try ArtifactStoreTests.install(store, "m", "1")
        try store.activate(name: "m", version: "1")
        try FileManager.default.createSymbolicLink(atPath: store.root + "/m/previous", withDestinationPath: "gone")
        try store.recover()
        #expect(try store.previous("m") == nil)
        #expect(!FileManager.default.fileExists(atPath: store.root + "/m/previous"))
        #expect(try store.active("m") == "1")
    }
}
