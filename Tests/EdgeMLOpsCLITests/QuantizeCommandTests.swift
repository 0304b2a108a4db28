import ArgumentParser
import EdgeInference
import EdgeTestSupport
import EdgeVision
import Foundation
import Testing

@testable import edgemlops

@Suite("edgemlops quantize and bench --compare")
struct QuantizeCommandTests {
    /// Conv(3→2, 1×1) → GlobalAveragePool → Flatten: a two-class "classifier" on 8×8 RGB.
    static func model() -> Model {
        var graph = Graph(name: "tiny")
        graph.inputs = [ValueInfo(name: "x", elementType: .float32, shape: [1, 3, 8, 8])]
        graph.initializers["w"] = Tensor(floats: [1, -0.5, 0.25, -1, 0.5, 0.75], shape: [2, 3, 1, 1])
        graph.initializers["b"] = Tensor(floats: [0.1, -0.1], shape: [2])
        graph.nodes = [
            Node(name: "conv", opType: "Conv", inputs: ["x", "w", "b"], outputs: ["c"]),
            Node(name: "gap", opType: "GlobalAveragePool", inputs: ["c"], outputs: ["g"]),
            Node(name: "flatten", opType: "Flatten", inputs: ["g"], outputs: ["y"]),
        ]
        graph.outputs = [ValueInfo(name: "y", elementType: .float32, shape: [1, 2])]
        return Model(
            opsets: ["": 13],
            metadata: [
                StringStringEntryProto(key: "edgemlops.input.size", value: "8x8"),
                StringStringEntryProto(key: "edgemlops.labels", value: "ok,scratch"),
            ],
            graph: graph)
    }

    static func ppm(_ seed: Int) -> [UInt8] {
        var bytes = Array("P6\n8 8\n255\n".utf8)
        for i in 0..<64 { bytes += [UInt8((i * 7 + seed * 31) % 256), UInt8((i * 3 + seed * 11) % 256), UInt8(seed * 40 % 256)] }
        return bytes
    }

    @Test("static mode without --calibration and a bad percentile are usage errors")
    func validation() {
        #expect(throws: (any Error).self) { try QuantizeCommand.parse(["in.onnx", "-o", "out.onnx"]) }
        #expect(throws: (any Error).self) {
            try QuantizeCommand.parse(["in.onnx", "-o", "out.onnx", "--calibration", "d", "--percentile", "0"])
        }
        #expect((try? QuantizeCommand.parse(["in.onnx", "-o", "out.onnx", "--mode", "dynamic"])) != nil)
    }

    @Test("bench needs one MODEL or --compare")
    func benchArguments() {
        #expect(throws: (any Error).self) { try BenchCommand.parse([]) }
        #expect(throws: (any Error).self) { try BenchCommand.parse(["m.onnx", "--compare", "a.onnx"]) }
        #expect((try? BenchCommand.parse(["--compare", "a.onnx", "b.onnx"]))?.comparison.compare == ["a.onnx", "b.onnx"])
    }

    @Test("labels.csv from synth is read by its header; a short row names its line")
    func labels() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        dir.write(Array("\(SyntheticDatasetWriter.labelsHeader)\na.png,p1,ok,,,,\nb.png,p1,scratch,1,2,3,4\n".utf8), to: "labels.csv")
        #expect(try BenchCommand.readLabels(dir.file("labels.csv")) == ["a.png": "ok", "b.png": "scratch"])
        dir.write(Array("file,part,label\na.png\n".utf8), to: "bad.csv")
        let error = #expect(throws: CommandFailure.self) { try BenchCommand.readLabels(dir.file("bad.csv")) }
        #expect(error?.description.contains("bad.csv:2") == true)
    }

    @Test("quantize static and dynamic, then compare all three on a labelled image set")
    func endToEnd() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        try Self.model().save(to: dir.file("fp32.onnx"))
        try FileManager.default.createDirectory(atPath: dir.file("images"), withIntermediateDirectories: true)
        var csv = SyntheticDatasetWriter.labelsHeader + "\n"
        for i in 0..<6 {
            dir.write(Self.ppm(i), to: "images/frame-\(i).ppm")
            csv += "frame-\(i).ppm,p,\(i % 2 == 0 ? "ok" : "scratch"),,,,\n"
        }
        dir.write(Array("junk".utf8), to: "images/readme.txt")
        dir.write(Array(csv.utf8), to: "labels.csv")
        var quantize = try QuantizeCommand.parse([dir.file("fp32.onnx"), "-o", dir.file("static.onnx"), "--calibration", dir.file("images"), "--per-channel"])
        try quantize.run()
        quantize = try QuantizeCommand.parse([dir.file("fp32.onnx"), "-o", dir.file("dynamic.onnx"), "--mode", "dynamic"])
        try quantize.run()
        #expect(try Model.load(path: dir.file("static.onnx")).graph.nodes.contains { $0.opType == "QuantizeLinear" })
        #expect(try Model.load(path: dir.file("dynamic.onnx")).graph.nodes.contains { $0.opType == "ConvInteger" })

        let bench = try BenchCommand.parse([
            "--compare", dir.file("fp32.onnx"), dir.file("dynamic.onnx"), dir.file("static.onnx"),
            "--dataset", dir.file("images"), "--labels", dir.file("labels.csv"), "--runs", "3", "--warmup", "0",
            "--csv", dir.file("t.csv"), "--markdown", dir.file("t.md"),
        ])
        try bench.runComparison()
        let rows = try String(contentsOfFile: dir.file("t.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 4)
        let fields = rows[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields.count == 8)
        #expect(Double(fields[5]) != nil, "top-1 is computed from the labels")
        #expect(fields[6] == "100.0" && abs(Double(fields[7])! - 1) < 1e-9, "the baseline agrees with itself")
        #expect(try String(contentsOfFile: dir.file("t.md"), encoding: .utf8).contains("| static.onnx |"))
    }

    static var repositoryRoot: String { String(#filePath.split(separator: "/Tests/")[0]) }

    /// The paper's table on the bundled inspect-cls: FP32, dynamic and static int8 as committed,
    /// on fresh synthetic frames (a seed no model saw), labelled by the generator.
    @Test("bench --compare runs on the bundled inspect-cls models with labelled synthetic frames")
    func compareBundledModel() async throws {
        let models = Self.repositoryRoot + "/models/inspect-cls"
        let variants = ["fp32", "dynamic-int8", "static-int8"].map { "\(models)/inspect-cls-\($0).onnx" }
        try #require(variants.allSatisfy { FileManager.default.fileExists(atPath: $0) }, "bundled models missing")
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let synth = try SynthCommand.parse(["--count", "40", "--seed", "6006", "--size", "128x128", "--out", dir.file("frames")])
        try await synth.run()
        let bench = try BenchCommand.parse(
            ["--compare"] + variants + [
                "--dataset", dir.file("frames"), "--labels", dir.file("frames/labels.csv"), "--runs", "3", "--warmup", "0",
                "--csv", dir.file("t.csv"),
            ])
        try bench.runComparison()
        let rows = try String(contentsOfFile: dir.file("t.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == 3)
        for row in rows {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            let top1 = try #require(Double(fields[5]), "top-1 of \(fields[0])")
            let agreement = try #require(Double(fields[6]), "agreement of \(fields[0])")
            // 40 frames: loose floors, far below the card's figures, that a broken model or
            // preprocessing (≈ 50 % "ok" guesses, ≈ chance agreement) cannot reach.
            #expect(top1 >= 75, "\(fields[0]) top-1 \(top1) %")
            #expect(agreement >= 80, "\(fields[0]) agrees with FP32 on \(agreement) %")
        }
    }

    @Test("an already quantized input is refused with the reason")
    func refusesQuantized() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        try Self.model().save(to: dir.file("fp32.onnx"))
        try QuantizeCommand.parse([dir.file("fp32.onnx"), "-o", dir.file("q.onnx"), "--mode", "dynamic"]).run()
        let error = #expect(throws: CommandFailure.self) {
            try QuantizeCommand.parse([dir.file("q.onnx"), "-o", dir.file("qq.onnx"), "--mode", "dynamic"]).run()
        }
        #expect(error?.description.contains("already quantized") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.file("qq.onnx")))
    }
}
