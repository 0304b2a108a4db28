import EdgeTestSupport
import EdgeVision
import Testing

@Suite("Synthetic dataset writer")
struct SyntheticDatasetWriterTests {
    @Test("writes one PNG per frame and a labels.csv row matching its ground truth")
    func writesDataset() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let line = try SyntheticInspectionLine(configuration: .init(width: 64, height: 48, seed: 8, defectRate: 0.7))
        let writer = try SyntheticDatasetWriter(directory: directory.path)
        let frames = (0..<6).map { line.frame($0) }
        for frame in frames { try writer.write(frame) }
        try writer.finish()

        let csv = String(decoding: try #require(directory.read("labels.csv")), as: UTF8.self)
        let rows = csv.split(separator: "\n").map(String.init)
        #expect(rows.first == SyntheticDatasetWriter.labelsHeader)
        #expect(rows.count == frames.count + 1)
        for (frame, row) in zip(frames, rows.dropFirst()) {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(fields.count == 7)
            #expect(fields[0] == SyntheticDatasetWriter.fileName(index: frame.index))
            #expect(fields[1] == frame.truth.part.rawValue)
            #expect(fields[2] == frame.truth.label.name)
            if let box = frame.truth.box {
                #expect(fields[3...].map { Int($0) } == [box.x, box.y, box.width, box.height])
            } else {
                #expect(fields[3...].allSatisfy { $0.isEmpty })
            }
            #expect(try Image(contentsOfPNGFile: directory.file(fields[0])) == frame.image)
        }
    }

    @Test("refuses a directory that already holds a dataset")
    func refusesExistingDataset() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write(Array("file\n".utf8), to: "labels.csv")
        let error = #expect(throws: SyntheticDatasetError.self) {
            try SyntheticDatasetWriter(directory: directory.path)
        }
        #expect(error?.code == .outputExists)
        #expect(error?.file == directory.file("labels.csv"))
    }

    @Test("refuses an output path that is a file")
    func refusesFile() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write([1], to: "plain")
        let error = #expect(throws: SyntheticDatasetError.self) {
            try SyntheticDatasetWriter(directory: directory.file("plain"))
        }
        #expect(error?.code == .io)
    }

    @Test(arguments: [(0, "frame-000000.png"), (42, "frame-000042.png"), (1_234_567, "frame-1234567.png")])
    func fileNames(index: Int, name: String) {
        #expect(SyntheticDatasetWriter.fileName(index: index) == name)
    }
}
