import ArgumentParser
import EdgeTestSupport
import EdgeVision
import Testing

@testable import edgemlops

@Suite("edgemlops synth arguments")
struct SynthCommandTests {
    @Test("valid arguments parse, with defaults for the optional ones")
    func validArguments() throws {
        let command = try SynthCommand.parse(["--count", "10", "--out", "/tmp/x"])
        #expect(command.count == 10)
        #expect(command.seed == 1)
        #expect(command.defectRate == 0.5)
        #expect(command.size.width == 128 && command.size.height == 128)

        let custom = try SynthCommand.parse([
            "--count", "3", "--out", "d", "--seed", "99", "--defect-rate", "0.25", "--size", "640x480",
        ])
        #expect(custom.seed == 99 && custom.defectRate == 0.25)
        #expect(custom.size.width == 640 && custom.size.height == 480)
    }

    @Test(
        "bad arguments are refused with a message naming the option and value",
        arguments: [
            (["--out", "d"], "--count"),
            (["--count", "5"], "--out"),
            (["--count", "0", "--out", "d"], "--count must be in"),
            // A leading '-' reads as an option, so the parser reports the missing value...
            (["--count", "-3", "--out", "d"], "--count"),
            // ...while '=' passes the negative number to validation.
            (["--count=-3", "--out", "d"], "got -3"),
            (["--count", "ten", "--out", "d"], "ten"),
            (["--count", "5", "--out", "d", "--defect-rate", "1.5"], "--defect-rate: 1.5"),
            (["--count", "5", "--out", "d", "--defect-rate", "nan"], "--defect-rate"),
            (["--count", "5", "--out", "d", "--size", "640"], "640"),
            (["--count", "5", "--out", "d", "--size", "8x8"], "--size: 8"),
            (["--count", "5", "--out", "d", "--seed=-1"], "-1"),
            (["--count", "5", "--out", ""], "--out"),
            (["--count", "5", "--out", "d", "--jobs", "0"], "--jobs must be in 1...256, got 0"),
        ]
    )
    func badArguments(arguments: [String], mention: String) {
        do {
            _ = try SynthCommand.parse(arguments)
            Issue.record("\(arguments) was accepted")
        } catch {
            let message = SynthCommand.message(for: error)
            #expect(message.contains(mention), "\(arguments): \(message)")
        }
    }
}

@Suite("edgemlops synth output")
struct SynthCommandOutputTests {
    @Test("parallel jobs write exactly the frames and rows a sequential writer would")
    func parallelMatchesSequential() async throws {
        let parallel = TemporaryDirectory()
        let sequential = TemporaryDirectory()
        defer {
            parallel.remove()
            sequential.remove()
        }
        let command = try SynthCommand.parse([
            "--count", "11", "--first", "5", "--out", parallel.path, "--seed", "4", "--size", "96x64", "--jobs", "3",
        ])
        try await command.run()

        let line = try SyntheticInspectionLine(configuration: .init(width: 96, height: 64, seed: 4))
        let writer = try SyntheticDatasetWriter(directory: sequential.path)
        for index in 5..<16 { try writer.write(line.frame(index)) }
        try writer.finish()

        #expect(parallel.read("labels.csv") == sequential.read("labels.csv"))
        for index in 5..<16 {
            let name = SyntheticDatasetWriter.fileName(index: index)
            let bytes = try #require(parallel.read(name), "\(name) missing")
            #expect(bytes == sequential.read(name), "\(name)")
        }
        #expect(parallel.read(SyntheticDatasetWriter.fileName(index: 4)) == nil)
    }
}
