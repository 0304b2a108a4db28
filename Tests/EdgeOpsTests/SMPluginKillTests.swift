import EdgeOps
import EdgeTestSupport
import Foundation
import Testing

/// SIGKILLs the real `edgemlops sm-plugin` process right before each durable step of an install,
/// then runs `prepare` (recovery) and checks the store: the old version still serves, or the new
/// one does, and nothing half-done remains.
@Suite(
    "sm-plugin killed mid-install",
    .enabled(if: EdgeMLOpsBinary.path != nil, "needs the edgemlops binary next to the test bundle")
)
struct SMPluginKillTests {
    let tmp = TemporaryDirectory()

    /// Runs the plugin in a child process; returns its raw wait status.
    func plugin(_ arguments: [String], killAt: StoreStep? = nil) throws -> Int32 {
        var environment = [
            "EDGEMLOPS_STATE_DIR=\(tmp.path)/state", "EDGEMLOPS_FLOWS_DIR=\(tmp.path)/flows",
            "EDGEMLOPS_KEYS_DIR=\(tmp.path)/keys",
        ]
        if let killAt { environment.append("EDGEMLOPS_TEST_KILL_AT=\(killAt.rawValue)") }
        let child = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: environment + [EdgeMLOpsBinary.path!, "sm-plugin", "--type", "model"] + arguments,
            outputPath: tmp.path + "/plugin.log"
        )
        return child.wait()
    }

    @Test(arguments: [StoreStep.stagedFiles, .versionRenamed, .previousSwitched, .activeSwitched])
    func killedInstallLeavesAConsistentStore(step: StoreStep) throws {
        try tmp.write("v1.tar.gz", try Fixtures.bundle(version: "1.0.0"))
        try tmp.write("v2.tar.gz", try Fixtures.bundle(version: "2.0.0"))
        #expect(
            try plugin(["install", "scratch", "--module-version", "1.0.0", "--file", tmp.path + "/v1.tar.gz"]) == 0
        )

        let status = try plugin(
            ["install", "scratch", "--module-version", "2.0.0", "--file", tmp.path + "/v2.tar.gz"],
            killAt: step
        )
        #expect(status & 0x7F == SIGKILL, "the child should have died by SIGKILL, wait status \(status)")

        #expect(try plugin(["prepare"]) == 0)
        let store = ArtifactStore(root: tmp.path + "/state/models", kind: .model)
        let active = try #require(try store.active("scratch"))
        #expect(["1.0.0", "2.0.0"].contains(active))
        let manifest = try String(
            contentsOfFile: store.path(of: "scratch", version: active) + "/manifest.json",
            encoding: .utf8
        )
        #expect(manifest.contains("\"version\":\"\(active)\""))
        let hidden = try FileManager.default.contentsOfDirectory(atPath: store.root + "/scratch").filter {
            $0.hasPrefix(".")
        }
        #expect(hidden.isEmpty)
        // The cloud retries the operation; it must now succeed.
        #expect(
            try plugin(["install", "scratch", "--module-version", "2.0.0", "--file", tmp.path + "/v2.tar.gz"]) == 0
        )
        #expect(try store.active("scratch") == "2.0.0")
        #expect(try store.previous("scratch") == "1.0.0")
    }
}
