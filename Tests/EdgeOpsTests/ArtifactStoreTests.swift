import EdgeOps
import Foundation
import Testing

@Suite("Artifact store")
struct ArtifactStoreTests {
    /// Installs `version` of `name` with one file whose content is the version string.
    static func install(_ store: ArtifactStore, _ name: String, _ version: String, file: String = "model.onnx") throws {
        let staging = try store.makeStaging(name: name, version: version)
        try Data(version.utf8).write(to: URL(fileURLWithPath: staging + "/" + file))
        try store.commit(staging: staging, name: name, version: version)
    }

    @Test func installActivateRollbackRemove() throws {
        let tmp = TemporaryDirectory()
        let store = ArtifactStore(root: tmp.path + "/models", kind: .model)
        try Self.install(store, "scratch", "1.0.0")
        try Self.install(store, "scratch", "1.1.0")
        #expect(try store.versions(of: "scratch") == ["1.0.0", "1.1.0"])
        #expect(try store.active("scratch") == nil)
        try store.activate(name: "scratch", version: "1.0.0")
        try store.activate(name: "scratch", version: "1.1.0")
        #expect(try store.active("scratch") == "1.1.0")
        #expect(try store.previous("scratch") == "1.0.0")
        let activePath = try #require(try store.activePath("scratch"))
        #expect(try String(contentsOfFile: activePath + "/model.onnx", encoding: .utf8) == "1.1.0")
        #expect(try store.rollback(name: "scratch") == "1.0.0")
        #expect(try store.active("scratch") == "1.0.0")
        #expect(try store.previous("scratch") == "1.1.0")
        #expect(throws: StoreError.self) { try store.remove(name: "scratch", version: "1.0.0") }
        try store.remove(name: "scratch", version: "1.1.0")
        #expect(try store.previous("scratch") == nil)
        #expect(try store.versions(of: "scratch") == ["1.0.0"])
        try store.remove(name: "scratch", version: "9.9.9")  // absent: not an error
        #expect(try store.names() == ["scratch"])
    }

    @Test func installingTwiceKeepsTheFirstCopy() throws {
        let tmp = TemporaryDirectory()
        let store = ArtifactStore(root: tmp.path + "/models", kind: .model)
        try Self.install(store, "m", "1")
        let staging = try store.makeStaging(name: "m", version: "1")
        try Data("other".utf8).write(to: URL(fileURLWithPath: staging + "/model.onnx"))
        try store.commit(staging: staging, name: "m", version: "1")
        #expect(try String(contentsOfFile: store.path(of: "m", version: "1") + "/model.onnx", encoding: .utf8) == "1")
        #expect(!FileManager.default.fileExists(atPath: staging))
    }

    @Test(arguments: ["", ".hidden", "a/b", "..", "active", "previous", "x y", String(repeating: "a", count: 129)])
    func rejectsUnsafeNames(name: String) throws {
        let tmp = TemporaryDirectory()
        let store = ArtifactStore(root: tmp.path, kind: .model)
        let error = #expect(throws: StoreError.self) { try store.makeStaging(name: name, version: "1") }
        #expect(error?.code == .invalidName)
    }

    @Test func garbageCollectionKeepsActivePreviousAndNewest() throws {
        let tmp = TemporaryDirectory()
        let store = ArtifactStore(root: tmp.path + "/models", kind: .model)
        for v in ["1", "2", "3", "4", "5"] {
            try Self.install(store, "m", v)
            usleep(2_000)  // distinct modification times
        }
        try store.activate(name: "m", version: "1")
        try store.activate(name: "m", version: "2")
        let deleted = try store.collectGarbage(name: "m", keep: 1)
        #expect(deleted == ["4", "3"])
        #expect(try store.versions(of: "m") == ["1", "2", "5"])
    }

    @Test func flowsArePublishedIntoTheWatchedDirectory() throws {
        let tmp = TemporaryDirectory()
        let flows = tmp.path + "/flows"
        let store = ArtifactStore(root: tmp.path + "/state/flows", kind: .flow, publishDirectory: flows)
        try Self.install(store, "line_stop", "1", file: "line_stop.lua")
        try Self.install(store, "line_stop", "2", file: "line_stop.lua")
        try store.activate(name: "line_stop", version: "1")
        #expect(try String(contentsOfFile: flows + "/line_stop.lua", encoding: .utf8) == "1")
        try store.activate(name: "line_stop", version: "2")
        #expect(try String(contentsOfFile: flows + "/line_stop.lua", encoding: .utf8) == "2")
        try store.uninstall(name: "line_stop")
        #expect(!FileManager.default.fileExists(atPath: flows + "/line_stop.lua"))
        #expect(try store.names().isEmpty)
    }
}
