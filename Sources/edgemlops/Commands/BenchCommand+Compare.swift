import ArgumentParser
import EdgeInference
import EdgeQuantization
import Foundation

/// Options of `edgemlops bench --compare`.
struct CompareOptions: ParsableArguments {
    @Option(parsing: .upToNextOption, help: "Compare these models (the first is the baseline, e.g. FP32, dynamic, static).")
    var compare: [String] = []

    @Option(help: "Image directory to run the compared models on (default: seeded random inputs).")
    var dataset: String?

    @Option(help: "labels.csv (as `edgemlops synth` writes it: file,label,...) for top-1 accuracy.")
    var labels: String?

    @Option(help: "Also write the table as Markdown to this file.")
    var markdown: String?

    @Option(help: "Also write the table as CSV to this file.")
    var csv: String?

    @Option(help: "Random inputs when there is no --dataset.")
    var samples = 32
}

/// The paper's table: FP32 vs dynamic vs static on the same inputs, on this device.
extension BenchCommand {
    func runComparison() throws {
        let options = comparison
        if options.labels != nil && options.dataset == nil { throw ValidationError("--labels needs --dataset DIR") }
        let labelled = try options.labels.map { try Self.readLabels($0) }
        let images = try options.dataset.map { try Self.listImages($0, labelled: labelled) }
        var rows: [BenchComparison.Row] = []
        var reference: [[Float]] = []
        for (index, path) in options.compare.enumerated() {
            let loaded: Model
            do { loaded = try Model.load(path: path) } catch { throw CommandFailure("\(path): \(error)") }
            let inputShapes = try Self.inputShapes(of: loaded.graph.runtimeInputs, bound: try parseShapes())
            let compiled = try CompiledModel(model: loaded, inputShapes: inputShapes)
            let session = compiled.makeSession()
            session.threads = threads ?? CompiledModel.physicalCores
            session.nonFinitePolicy = .allow

            var inputs: [[String: Tensor]] = []
            var classNames: [String] = []
            if let images {
                let spec = try ModelInputSpec(model: loaded)
                classNames = spec.labels
                for image in images { inputs.append([spec.inputName: try ImageTensorLoader.tensor(image.path, spec: spec)]) }
            } else {
                var generator = SeededGenerator(seed: seed)
                for _ in 0..<options.samples {
                    var sample: [String: Tensor] = [:]
                    for (name, type) in zip(compiled.inputNames, compiled.inputs) { sample[name] = Self.randomTensor(type, using: &generator) }
                    inputs.append(sample)
                }
            }
            guard !inputs.isEmpty else { throw CommandFailure("no input to compare on") }
            var outputs: [[Float]] = []
            for sample in inputs { outputs.append(try session.run(sample)[compiled.outputNames[0]]!.values(as: Float.self)) }
            for _ in 0..<warmup { _ = try session.run(inputs[0]) }
            var times: [UInt64] = []
            var progress = ProgressLine(total: runs)
            for run in 0..<runs {
                _ = try session.run(inputs[run % inputs.count])
                times.append(session.lastRunNanoseconds)
                progress.advance()
            }
            progress.finish(summary: "bench --compare: \(path) done")
            let stats = BenchStatistics(nanoseconds: times)!
            if index == 0 { reference = outputs }
            var row = BenchComparison.Row(
                model: path, sizeBytes: Self.fileSize(path), medianMs: stats.medianMilliseconds, p99Ms: stats.p99Milliseconds)
            var agreeing = 0
            var cosineSum = 0.0
            for (output, baseline) in zip(outputs, reference) {
                if Self.argmax(output) == Self.argmax(baseline) { agreeing += 1 }
                cosineSum += Self.cosine(output, baseline)
            }
            row.agreement = Double(agreeing) * 100 / Double(outputs.count)
            row.cosine = cosineSum / Double(outputs.count)
            if let images, labelled != nil {
                let known = images.enumerated().compactMap { i, image in
                    image.label.flatMap { label in classNames.firstIndex(of: label).map { (i, $0) } }
                }
                if !known.isEmpty {
                    row.top1 = Double(known.filter { Self.argmax(outputs[$0.0]) == $0.1 }.count) * 100 / Double(known.count)
                }
            }
            rows.append(row)
        }
        let table = BenchComparison(rows: rows, samples: reference.count, isa: CompiledModel.isa, threads: threads ?? CompiledModel.physicalCores)
        print(table.text)
        if let markdown = options.markdown { try Self.write(table.markdown, to: markdown) }
        if let csv = options.csv { try Self.write(table.csv, to: csv) }
    }

    /// `labels.csv` as written by `edgemlops synth`: a header naming `file` and `label` columns.
    static func readLabels(_ path: String) throws -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CommandFailure("\(path): cannot read") }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
            let fileColumn = header.firstIndex(of: "file"), let labelColumn = header.firstIndex(of: "label")
        else { throw CommandFailure("\(path):1: header must name the columns 'file' and 'label'") }
        var labels: [String: String] = [:]
        for (number, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > max(fileColumn, labelColumn) else {
                throw CommandFailure("\(path):\(number + 1): expected \(header.count) fields, got \(fields.count)")
            }
            labels[fields[fileColumn]] = fields[labelColumn]
        }
        return labels
    }

    static func listImages(_ directory: String, labelled: [String: String]?) throws -> [(path: String, label: String?)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw CommandFailure("\(directory): cannot list the dataset directory")
        }
        let images = names.filter { ["png", "jpg", "jpeg", "ppm", "pgm"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !images.isEmpty else { throw CommandFailure("\(directory): no PNG/JPEG/PPM image") }
        return images.map { (directory + "/" + $0, labelled?[$0]) }
    }

    static func argmax(_ values: [Float]) -> Int { values.indices.max { values[$0] < values[$1] } ?? 0 }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for (x, y) in zip(a, b) {
            dot += Double(x) * Double(y)
            na += Double(x) * Double(x)
            nb += Double(y) * Double(y)
        }
        return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : (na == nb ? 1 : 0)
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else { throw CommandFailure("\(path): cannot write") }
    }
}
