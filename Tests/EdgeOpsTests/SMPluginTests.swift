import EdgeOps
import Foundation
import Logging
import Testing

@Suite("sm-plugin protocol")
struct SMPluginTests {
    let tmp = TemporaryDirectory()

    func plugin(_ kind: ArtifactKind, requireSignature: Bool = false) -> SMPlugin {
        let gate = GateConfiguration(
            requireSignature: requireSignature,
            keysDirectory: tmp.path + "/keys",
            pipelineInputShape: [1, 3, 8, 8]
        )
        let settings = SMPluginSettings(
            stateDirectory: tmp.path + "/state",
            flowsDirectory: tmp.path + "/flows",
            keepVersions: 1,
            gate: gate
        )
        return SMPlugin(kind: kind, settings: settings, logger: Logger(label: "test"))
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        try tmp.write("downloads/" + name, bytes)
        return tmp.path + "/downloads/" + name
    }

    @Test(arguments: [
        [String](), ["frobnicate"], ["install"], ["install", "a", "b"], ["install", "a", "--module-version"],
        ["install", "a", "--colour", "red"], ["list", "extra"], ["remove", "a", "--file", "x"], ["update-list"],
    ])
    func usageErrorsExitWithOne(arguments: [String]) async {
        let result = await plugin(.model).run(arguments)
        #expect(result.exitCode == .usage)
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.isEmpty)
    }

    @Test func parsesOptionsInAnyOrderAndWithEquals() throws {
        #expect(
            try SMPluginRequest(arguments: ["install", "--file=/f", "m", "--module-version", "1.2"])
                == .install(name: "m", version: "1.2", file: "/f")
        )
        #expect(try SMPluginRequest(arguments: ["remove", "m"]) == .remove(name: "m", version: nil))
    }

    @Test func modelLifecycleThroughThePlugin() async throws {
        let plugin = plugin(.model)
        #expect(await plugin.run(["list"]) == SMPluginResult(exitCode: .success))
        #expect(await plugin.run(["prepare"]).exitCode == .success)
        let v1 = try file("v1.tar.gz", try Fixtures.bundle(name: "scratch", version: "1.0.0"))
        let v2 = try file("v2.tar.gz", try Fixtures.bundle(name: "scratch", version: "2.0.0"))
        let other = try file("other.onnx", try Fixtures.onnx())
        #expect(
            await plugin.run(["install", "scratch", "--module-version", "1.0.0", "--file", v1]).exitCode == .success
        )
        #expect(
            await plugin.run(["install", "scratch", "--module-version", "2.0.0", "--file", v2]).exitCode == .success
        )
        #expect(await plugin.run(["install", "bare", "--module-version", "7", "--file", other]).exitCode == .success)
        #expect(await plugin.run(["finalize"]).exitCode == .success)
        #expect(await plugin.run(["list"]).stdout == "bare\t7\nscratch\t2.0.0\n")
        // Installing twice is not an error; installing without a file re-activates a stored version.
        #expect(
            await plugin.run(["install", "scratch", "--module-version", "2.0.0", "--file", v2]).exitCode == .success
        )
        #expect(await plugin.run(["install", "scratch", "--module-version", "1.0.0"]).exitCode == .success)
        #expect(await plugin.run(["list"]).stdout == "bare\t7\nscratch\t1.0.0\n")
        // The serving model is never removed; the other one may be, twice.
        let refused = await plugin.run(["remove", "scratch", "--module-version", "1.0.0"])
        #expect(refused.exitCode == .failure)
        #expect(refused.stderr.contains("serving"))
        #expect(await plugin.run(["remove", "scratch", "--module-version", "2.0.0"]).exitCode == .success)
        #expect(await plugin.run(["remove", "scratch", "--module-version", "2.0.0"]).exitCode == .success)
        #expect(try plugin.store.versions(of: "scratch") == ["1.0.0"])
    }

    @Test func refusedBundleKeepsThePreviousModelServing() async throws {
        let plugin = plugin(.model)
        let good = try file("good.tar.gz", try Fixtures.bundle(version: "1.0.0"))
        let bad = try file("bad.tar.gz", try Fixtures.bundle(version: "1.1.0", tamper: ["model.onnx": [0]]))
        #expect(
            await plugin.run(["install", "scratch", "--module-version", "1.0.0", "--file", good]).exitCode == .success
        )
        let result = await plugin.run(["install", "scratch", "--module-version", "1.1.0", "--file", bad])
        #expect(result.exitCode == .failure)
        #expect(result.stderr.contains("refused at step 'checksums'"))
        #expect(await plugin.run(["list"]).stdout == "scratch\t1.0.0\n")
        #expect(try plugin.store.versions(of: "scratch") == ["1.0.0"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: plugin.store.root + "/scratch").filter {
            $0.hasPrefix(".staging")
        }
        #expect(leftovers.isEmpty)
    }

    @Test func unsignedBundleRefusedWhenSigningIsRequired() async throws {
        let result = await plugin(.model, requireSignature: true).run(
            ["install", "scratch", "--module-version", "1.0.0", "--file", try file("u.tar.gz", try Fixtures.bundle())])
        #expect(result.exitCode == .failure)
        #expect(result.stderr.contains("signature"))
    }

    @Test func missingFileForAnUninstalledVersionFails() async {
        #expect(await plugin(.model).run(["install", "scratch", "--module-version", "3"]).exitCode == .failure)
        #expect(await plugin(.model).run(["install", "scratch", "--file", "/x"]).exitCode == .usage)
    }

    @Test func busyStoreAsksForRetry() async throws {
        let plugin = plugin(.model)
        try FileManager.default.createDirectory(atPath: plugin.store.root, withIntermediateDirectories: true)
        let fd = open(plugin.store.root + "/.lock", O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0)
        defer { close(fd) }
        // flock locks belong to the open file description, so this second open conflicts even in-process.
        #expect(flock(fd, LOCK_EX) == 0)
        #expect(await plugin.run(["prepare"]).exitCode == .retryLater)
        #expect(await plugin.run(["list"]).exitCode == .success)
    }

    @Test func flowsFromALuaFileAndFromAnArchive() async throws {
        let plugin = plugin(.flow)
        let lua = try file("f.lua", Array("-- v1\nreturn {}".utf8))
        #expect(
            await plugin.run(["install", "line_stop", "--module-version", "1", "--file", lua]).exitCode == .success
        )
        let archive = try file(
            "f.tar.gz",
            Fixtures.gzip(
                Fixtures.tar([
                    .init(name: "line_stop.lua", content: Array("-- v2\nreturn {}".utf8)),
                    .init(name: "line_stop.test.jsonl", content: Array("{}".utf8)),
                ])
            )
        )
        #expect(
            await plugin.run(["install", "line_stop", "--module-version", "2", "--file", archive]).exitCode == .success
        )
        #expect(try String(contentsOfFile: tmp.path + "/flows/line_stop.lua", encoding: .utf8).hasPrefix("-- v2"))
        #expect(await plugin.run(["list"]).stdout == "line_stop\t2\n")
        let wrong = try file("w.tar.gz", Fixtures.gzip(Fixtures.tar([.init(name: "other.lua", content: [0x2D])])))
        let refused = await plugin.run(["install", "line_stop", "--module-version", "3", "--file", wrong])
        #expect(refused.exitCode == .failure)
        #expect(refused.stderr.contains("line_stop.lua"))
        #expect(await plugin.run(["remove", "line_stop", "--module-version", "2"]).exitCode == .success)
        #expect(!FileManager.default.fileExists(atPath: tmp.path + "/flows/line_stop.lua"))
        #expect(await plugin.run(["list"]).stdout == "")
    }

    @Test func flowCheckerRefusesBrokenFlows() async throws {
        var plugin = plugin(.flow)
        plugin.flowChecker = { path in
            let source = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            return source.contains("broken") ? ["\(path):1: error: broken"] : []
        }
        let good = try file("good.lua", Array("return {}".utf8))
        let bad = try file("bad.lua", Array("-- broken".utf8))
        #expect(await plugin.run(["install", "f", "--module-version", "1", "--file", good]).exitCode == .success)
        let refused = await plugin.run(["install", "f", "--module-version", "2", "--file", bad])
        #expect(refused.exitCode == .failure)
        #expect(refused.stderr.contains("error: broken"))
        #expect(await plugin.run(["list"]).stdout == "f\t1\n")
        #expect(try plugin.store.versions(of: "f") == ["1"])
    }

    @Test func handWrittenFlowIsNeverOverwritten() async throws {
        try tmp.write("flows/line_stop.lua", Array("-- integrator's".utf8))
        let lua = try file("f.lua", Array("return {}".utf8))
        let result = await plugin(.flow).run(["install", "line_stop", "--module-version", "1", "--file", lua])
        #expect(result.exitCode == .failure)
        #expect(try String(contentsOfFile: tmp.path + "/flows/line_stop.lua", encoding: .utf8) == "-- integrator's")
        #expect(await plugin(.flow).run(["list"]).stdout == "")
    }

    @Test func settingsFromTheEnvironment() throws {
        let settings = try SMPluginSettings(environment: [
            "EDGEMLOPS_STATE_DIR": "/s", "EDGEMLOPS_REQUIRE_SIGNATURE": "true",
            "EDGEMLOPS_PIPELINE_INPUT_SHAPE": "1,3,224,224",
        ])
        #expect(settings.stateDirectory == "/s")
        #expect(settings.gate.requireSignature)
        #expect(settings.gate.pipelineInputShape == [1, 3, 224, 224])
        #expect(throws: SMPluginSettings.InvalidValue.self) {
            try SMPluginSettings(environment: ["EDGEMLOPS_PIPELINE_INPUT_SHAPE": "1,x"])
        }
    }
}
