import EdgeOps
import EdgeTestSupport
import Foundation
import Testing

/// Runs `packaging/sm-plugins/edgemlops-{model,flow}` the way thin-edge does: exit codes must pass
/// through the wrapper and each wrapper must select its own software type.
@Suite(
    "sm-plugin wrapper scripts",
    .enabled(if: EdgeMLOpsBinary.path != nil, "needs the edgemlops binary next to the test bundle")
)
struct WrapperScriptTests {
    static let packaging = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("packaging/sm-plugins").path

    let tmp = TemporaryDirectory()

    func run(_ kind: ArtifactKind, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let log = tmp.path + "/\(UUID().uuidString).log"
        let child = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: [
                "EDGEMLOPS_BIN=\(EdgeMLOpsBinary.path!)", "EDGEMLOPS_STATE_DIR=\(tmp.path)/state",
                "EDGEMLOPS_FLOWS_DIR=\(tmp.path)/flows", Self.packaging + "/" + kind.softwareType,
            ] + arguments,
            outputPath: log
        )
        let raw = child.wait()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return (raw & 0x7F == 0 ? (raw >> 8) & 0xFF : -1, output)
    }

    @Test func exitCodesAndTypesPassThrough() throws {
        try tmp.write("m.onnx", try Fixtures.onnx())
        try tmp.write("f.lua", Array("return {}".utf8))
        #expect(try run(.model, ["list"]) == (0, ""))
        #expect(try run(.model, ["install"]).status == 1)
        #expect(try run(.model, ["install", "m", "--module-version", "1", "--file", tmp.path + "/absent"]).status == 2)
        #expect(try run(.model, ["install", "m", "--module-version", "1", "--file", tmp.path + "/m.onnx"]).status == 0)
        #expect(try run(.flow, ["install", "f", "--module-version", "3", "--file", tmp.path + "/f.lua"]).status == 0)
        #expect(try run(.model, ["list"]) == (0, "m\t1\n"))
        #expect(try run(.flow, ["list"]) == (0, "f\t3\n"))
    }
}
