import EdgeInference
import EdgeTestSupport
import Foundation
import Testing

@testable import EdgeQuantization

@Suite("Calibration")
struct CalibrationTests {
    /// A binary PPM (P6) of the given size with a gradient.
    static func ppm(width: Int, height: Int) -> [UInt8] {
        var bytes = Array("P6\n\(width) \(height)\n255\n".utf8)
        for y in 0..<height { for x in 0..<width { bytes += [UInt8(x * 255 / width), UInt8(y * 255 / height), 128] } }
        return bytes
    }

    @Test("images of other sizes are resized; non-images are skipped and counted")
    func imageDirectory() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        dir.write(Self.ppm(width: 8, height: 8), to: "a.ppm")
        dir.write(Self.ppm(width: 20, height: 13), to: "b.ppm")
        dir.write(Array("not an image".utf8), to: "notes.txt")
        dir.write(Array("garbage".utf8), to: "broken.png")
        let set = try CalibrationSet.load(paths: [dir.path], model: SmallModels.classifier())
        #expect(set.samples.count == 2)
        #expect(set.samples.allSatisfy { $0["x"]?.shape == [1, 3, 8, 8] })
        #expect(Set(set.skipped.map { ($0.path as NSString).lastPathComponent }) == ["notes.txt", "broken.png"])
    }

    @Test("calibration images are preprocessed exactly as infer --image does")
    func samePreprocessing() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        dir.write(Self.ppm(width: 16, height: 16), to: "a.ppm")
        let model = SmallModels.classifier()
        let set = try CalibrationSet.load(paths: [dir.file("a.ppm")], model: model)
        let direct = try ImageTensorLoader.tensor(dir.file("a.ppm"), spec: ModelInputSpec(model: model))
        #expect(set.samples[0]["x"] == direct)
    }

    @Test(".npy tensors are used as they are; NaN is refused naming the file")
    func npy() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let good = Tensor(floats: SmallModels.values(192, seed: 5), shape: [1, 3, 8, 8])
        try NPY.write(good, to: dir.file("good.npy"))
        let set = try CalibrationSet.load(paths: [dir.file("good.npy")], model: SmallModels.classifier())
        #expect(set.samples.first?["x"] == good)
        var bad = good.values(as: Float.self)
        bad[7] = .nan
        try NPY.write(Tensor(floats: bad, shape: [1, 3, 8, 8]), to: dir.file("bad.npy"))
        let error = #expect(throws: QuantizationError.self) {
            try CalibrationSet.load(paths: [dir.file("bad.npy")], model: SmallModels.classifier())
        }
        #expect(error?.code == .nonFinite)
        #expect(error?.description.contains("bad.npy") == true)
    }

    @Test("an empty or missing calibration set is a clear error")
    func emptyOrMissing() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let empty = #expect(throws: QuantizationError.self) { try CalibrationSet.load(paths: [dir.path], model: SmallModels.classifier()) }
        #expect(empty?.code == .emptyCalibration)
        let missing = #expect(throws: QuantizationError.self) {
            try CalibrationSet.load(paths: [dir.file("nope")], model: SmallModels.classifier())
        }
        #expect(missing?.code == .emptyCalibration)
        #expect(missing?.description.contains("does not exist") == true)
    }

    @Test("a .npy of the wrong shape is skipped with the reason")
    func wrongShape() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        try NPY.write(Tensor(floats: [1, 2, 3], shape: [3]), to: dir.file("small.npy"))
        try NPY.write(Tensor(floats: SmallModels.values(192, seed: 5), shape: [1, 3, 8, 8]), to: dir.file("ok.npy"))
        let set = try CalibrationSet.load(paths: [dir.path], model: SmallModels.classifier())
        #expect(set.samples.count == 1)
        #expect(set.skipped.first?.reason.contains("shape") == true)
    }

    @Test("percentile cuts the tails; minmax keeps them")
    func percentile() {
        var h = Histogram(bins: 1000, lower: 0, upper: 1000)
        h.add((0..<1000).map { Float($0) + 0.5 })
        let r = h.percentileRange(90)
        #expect(abs(r.min - 50) <= 1 && abs(r.max - 950) <= 1)
    }

    @Test("entropy narrows the range to where the mass is")
    func entropy() {
        var h = Histogram(bins: 512, lower: -100, upper: 100)
        h.add(SmallModels.values(20000, seed: 3, scale: 5))
        let r = h.entropyRange(quantizedBins: 128)
        #expect(r.max < 100 && r.max >= 5)
        #expect(r.min > -100 && r.min <= -5)
    }

    @Test("writing is atomic: a failed write leaves nothing, a good one no temporary file")
    func atomicWrite() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        let model = SmallModels.classifier()
        let error = #expect(throws: QuantizationError.self) { try model.saveAtomically(to: dir.file("missing/dir/out.onnx")) }
        #expect(error?.code == .io)
        try model.saveAtomically(to: dir.file("out.onnx"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names == ["out.onnx"])
        #expect(try Model.load(path: dir.file("out.onnx")).graph.nodes.count == model.graph.nodes.count)
    }

    @Test("an output path that is not a regular file (a FIFO here, /dev/null in the field) is refused and left alone")
    func specialFileRefused() throws {
        let dir = TemporaryDirectory()
        defer { dir.remove() }
        #expect(mkfifo(dir.file("pipe"), 0o600) == 0)
        let error = #expect(throws: QuantizationError.self) { try SmallModels.classifier().saveAtomically(to: dir.file("pipe")) }
        #expect(error?.description.contains("not a regular file") == true)
        var status = stat()
        #expect(lstat(dir.file("pipe"), &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["pipe"])
    }
}
