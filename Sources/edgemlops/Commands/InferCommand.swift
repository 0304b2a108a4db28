import ArgumentParser
import EdgeInference
import EdgeQuantization
import EdgeVision
import Foundation

/// `edgemlops infer MODEL (--image FILE | --tensor IN.npy) [--output OUT.npy|DIR] [--json]`.
struct InferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Run a model on an input tensor and print or save its outputs.",
        discussion: """
            Inputs are NumPy .npy files in ONNX layout (NCHW for images). A model with one input takes --tensor IN.npy; a model with several takes --tensor NAME=IN.npy per input. --image decodes a PNG, JPEG or PPM file and preprocesses it as the model's metadata_props say (edgemlops.input.size, .resize, .layout, .channels, .mean, .std; the declared input shape otherwise).

            --output OUT.npy writes a single output there; with several outputs, OUT.npy becomes OUT.<name>.npy per output, and any other path is a directory receiving <name>.npy.

            Float inputs holding NaN or infinity are rejected unless --allow-non-finite. EDGEMLOPS_ISA=scalar|avx2|avx512vnni|neon|neondot selects the kernel path.
            """
    )

    @Argument(help: "The .onnx model file.")
    var model: String

    @Option(help: "Input tensor: IN.npy, or NAME=IN.npy for a model with several inputs (repeatable).")
    var tensor: [String] = []

    @Option(help: "Input image (PNG/JPEG).")
    var image: String?

    @Option(help: "Where to write outputs: OUT.npy or a directory.")
    var output: String?

    @Flag(help: "Print one JSON object: output shapes, top-k and timing.")
    var json = false

    @Option(help: "How many top entries to report per output.")
    var topK = 5

    @Option(help: "Run this many times and report the mean time.")
    var runs = 1

    @Flag(help: "Report the time of every step.")
    var profile = false

    @Flag(help: "Run on float inputs holding NaN or infinity instead of rejecting them.")
    var allowNonFinite = false

    func validate() throws {
        if image != nil && !tensor.isEmpty { throw ValidationError("give either --image or --tensor, not both") }
        if image == nil && tensor.isEmpty { throw ValidationError("give an input: --tensor IN.npy (or --image FILE)") }
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
        if topK < 0 { throw ValidationError("--top-k must not be negative") }
    }

    func run() async throws {
        if let problem = CompiledModel.isaOverrideProblem {
            FileHandle.standardError.write(Data("warning: \(problem)\n".utf8))
        }
        let loadStart = Date()
        let probe = try Model.load(path: model)
        var inputs: [String: Tensor] = [:]
        if let image {
            let spec = try ModelInputSpec(model: probe)
            inputs[spec.inputName] = try Self.imageTensor(image, spec: spec)
        }
        for (name, path) in try parseTensors() {
            inputs[name ?? ""] = try NPY.read(path: path)
        }
        let names = probe.graph.runtimeInputs.map(\.name)
        if let unnamed = inputs.removeValue(forKey: "") {
            guard names.count == 1 else {
                throw ValidationError("the model has \(names.count) inputs (\(names.joined(separator: ", "))): use --tensor NAME=IN.npy for each")
            }
            inputs[names[0]] = unnamed
        }
        let compiled = try CompiledModel(model: probe, inputShapes: inputs.mapValues(\.shape))
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let session = compiled.makeSession()
        session.nonFinitePolicy = allowNonFinite ? .allow : .reject
        session.profiling = profile
        var outputs: [String: Tensor] = [:]
        var total: UInt64 = 0
        for _ in 0..<runs {
            outputs = try session.run(inputs)
            total += session.lastRunNanoseconds
        }
        let written = try writeOutputs(outputs, order: compiled.outputNames)
        let report = InferReport(
            model: model, isa: CompiledModel.isa, loadMilliseconds: loadSeconds * 1000,
            runMilliseconds: Double(total) / Double(runs) / 1e6, runs: runs, arenaBytes: compiled.arenaBytes,
            constantBytes: compiled.constantBytes, passes: compiled.passLog,
            outputs: compiled.outputNames.map { InferReport.Output(name: $0, tensor: outputs[$0]!, topK: topK, file: written[$0]) },
            profile: profile ? session.timings.map { InferReport.StepTime(node: $0.node, op: $0.opType, microseconds: Double($0.nanoseconds) / 1000) } : nil
        )
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
    }

    /// Decodes `path` (PNG, JPEG or PPM/PGM) and preprocesses it as the model's metadata says.
    static func imageTensor(_ path: String, spec: ModelInputSpec) throws -> Tensor {
        // Shared with the quantizer's calibration so both preprocess identically.
        try ImageTensorLoader.tensor(path, spec: spec)
    }

    /// `--tensor` values as (input name or nil, path).
    func parseTensors() throws -> [(String?, String)] {
        try tensor.map { text in
            if let eq = text.firstIndex(of: "="), !FileManager.default.fileExists(atPath: text) {
                let name = String(text[..<eq]), path = String(text[text.index(after: eq)...])
                guard !name.isEmpty, !path.isEmpty else { throw ValidationError("--tensor '\(text)' must be IN.npy or NAME=IN.npy") }
                return (name, path)
            }
            return (nil, text)
        }
    }

    /// Writes the outputs as --output asks; returns the file per output name.
    func writeOutputs(_ outputs: [String: Tensor], order: [String]) throws -> [String: String] {
        guard let output else { return [:] }
        var files: [String: String] = [:]
        if output.hasSuffix(".npy") {
            let stem = String(output.dropLast(4))
            for name in order {
                files[name] = order.count == 1 ? output : "\(stem).\(Self.fileName(name)).npy"
            }
        } else {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            for name in order { files[name] = "\(output)/\(Self.fileName(name)).npy" }
        }
        for (name, path) in files { try NPY.write(outputs[name]!, to: path) }
        return files
    }

    /// An output name made safe as a file name.
    static func fileName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." ? $0 : "_" })
    }
}
