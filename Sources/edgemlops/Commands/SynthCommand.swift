import ArgumentParser
import EdgeVision

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a labelled dataset from the synthetic inspection line.
struct SynthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Render a deterministic synthetic inspection dataset (PNG images and labels.csv).",
        discussion: """
            Frame i of seed S is always the same image, so a dataset is identified by its seed,
            size and defect rate. labels.csv has one row per image:
              file,part,label,bbox_x,bbox_y,bbox_w,bbox_h
            with label "ok" (empty bbox) or one of: \
            \(SyntheticDefectClass.allCases.map(\.rawValue).joined(separator: ", ")).
            """
    )

    @Option(help: "Number of images to write (1...10000000).")
    var count: Int

    @Option(help: "Output directory (created if missing; must not already hold a labels.csv).")
    var out: String?

    @Option(help: "Seed of the line; different seeds give disjoint-looking datasets.")
    var seed: UInt64 = 1

    @Option(name: .customLong("defect-rate"), help: "Fraction of images with a defect, 0...1.")
    var defectRate: Double = 0.5

    @Option(help: "Image size WxH (the classifier input is 128x128).")
    var size: ImageSize = ImageSize(width: 128, height: 128)

    @Option(help: "Index of the first frame (to extend a dataset or skip the training range).")
    var first: Int = 0

    @Option(help: "Frames rendered and encoded in parallel (default: the number of online CPUs).")
    var jobs: Int?

    @Flag(name: .customLong("dry-run"), help: "Render only, write nothing, and report the render time per frame.")
    var dryRun = false

    func validate() throws {
        guard (1...10_000_000).contains(count) else {
            throw ValidationError("--count must be in 1...10000000, got \(count)")
        }
        guard first >= 0, first <= Int.max - count else {
            throw ValidationError("--first must be a non-negative frame index, got \(first)")
        }
        if let jobs, !(1...256).contains(jobs) {
            throw ValidationError("--jobs must be in 1...256, got \(jobs)")
        }
        if !dryRun, out?.isEmpty ?? true {
            throw ValidationError("--out must name a directory (or use --dry-run to write nothing)")
        }
        do {
            try lineConfiguration.validate()
        } catch {
            let option = error.field == "defectRate" ? "--defect-rate" : "--size"
            throw ValidationError("\(option): \(error.value): \(error.reason)")
        }
    }

    private var lineConfiguration: SyntheticInspectionLine.Configuration {
        .init(width: size.width, height: size.height, seed: seed, defectRate: defectRate)
    }

    func run() async throws {
        let line = try SyntheticInspectionLine(configuration: lineConfiguration)
        let writer = try dryRun ? nil : SyntheticDatasetWriter(directory: out ?? "")
        let jobs = self.jobs ?? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let encode = !dryRun
        let clock = ContinuousClock()
        let started = clock.now
        var renderTime = Duration.zero
        var encodeTime = Duration.zero
        var progress = ProgressLine(total: count)
        var next = first
        let end = first + count
        while next < end {
            // Render and encode a batch in parallel, then write it in frame order, so
            // labels.csv is ordered and memory stays bounded.
            let batch = next..<min(end, next + jobs * 8)
            let lanes = min(jobs, batch.count)
            var results = try await withThrowingTaskGroup(of: [RenderedFrame].self) { group in
                for lane in 0..<lanes {
                    let indices = stride(from: batch.lowerBound + lane, to: batch.upperBound, by: lanes)
                    // Explicit capture list: with an implicit capture, Swift 6.3.1 debug builds
                    // crashed copying `line` in the child task (garbage pointer, ~100 % with
                    // --jobs 2), seen once the struct grew a fourth stored property.
                    group.addTask { [line] in
                        try Self.render(line, indices: indices, encode: encode)
                    }
                }
                var all: [RenderedFrame] = []
                for try await laneResults in group { all += laneResults }
                return all
            }
            results.sort { $0.index < $1.index }
            for result in results {
                try writer?.write(index: result.index, truth: result.truth, png: result.png)
                renderTime += result.renderTime
                encodeTime += result.encodeTime
                progress.advance()
            }
            next = batch.upperBound
        }
        try writer?.finish()
        let wall = "wall \(Self.milliseconds((clock.now - started) / count)) ms/frame with \(jobs) jobs"
        let perFrame = "render \(Self.milliseconds(renderTime / count)) ms/frame"
        if dryRun {
            progress.finish(summary: "synth: rendered \(count) \(size) frames, \(perFrame), \(wall) (dry run, nothing written)")
        } else {
            progress.finish(
                summary: "synth: wrote \(count) images and labels.csv to \(out ?? ""), \(perFrame), "
                    + "PNG \(Self.milliseconds(encodeTime / count)) ms/frame, \(wall)"
            )
        }
    }

    /// One frame ready to write, with the CPU time it took.
    private struct RenderedFrame: Sendable {
        var index: Int
        var truth: SyntheticGroundTruth
        var png: [UInt8]
        var renderTime: Duration
        var encodeTime: Duration
    }

    private static func render(
        _ line: SyntheticInspectionLine,
        indices: StrideTo<Int>,
        encode: Bool
    ) throws -> [RenderedFrame] {
        let clock = ContinuousClock()
        return try indices.map { index in
            let start = clock.now
            let frame = line.frame(index)
            let rendered = clock.now
            let png = encode ? try frame.image.pngData(compression: .noisyImage) : []
            return RenderedFrame(
                index: index,
                truth: frame.truth,
                png: png,
                renderTime: rendered - start,
                encodeTime: clock.now - rendered
            )
        }
    }

    /// Milliseconds with two decimals, without Foundation's formatting.
    static func milliseconds(_ duration: Duration) -> String {
        let hundredths = (duration.components.seconds * 100_000 + duration.components.attoseconds / 10_000_000_000_000)
        return "\(hundredths / 100).\(String(repeating: "0", count: hundredths % 100 < 10 ? 1 : 0))\(hundredths % 100)"
    }
}

/// A `WxH` command-line value.
extension ImageSize: ExpressibleByArgument {
    public init?(argument: String) {
        try? self.init(parsing: argument)
    }
}
