import ArgumentParser
import EdgeInference
import EdgeQuantization
import Foundation

extension QuantizationOptions.Mode: ExpressibleByArgument {}
extension QuantizationOptions.Method: ExpressibleByArgument {}
extension QuantizationOptions.Format: ExpressibleByArgument {}
extension QuantizationOptions.Activations: ExpressibleByArgument {}

/// `edgemlops quantize IN.onnx -o OUT.onnx --mode static|dynamic ...`.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize an FP32 ONNX model to int8 (static with calibration, or dynamic).",
        discussion: """
            The model is first normalized (shape inference, constant folding, BatchNormalization folding). Static mode calibrates activation ranges on --calibration images (decoded and preprocessed as `edgemlops infer --image` does, per the model's edgemlops.input.* metadata) or .npy tensors; files that are neither are skipped and counted. Weights are symmetric int8 in [-127, 127], biases int32 with scale = input scale × weight scale. Dynamic mode quantizes Conv, MatMul and Gemm weights per channel and activations at run time. The output is written to a temporary file and renamed into place. See docs/quantization.md.
            """
    )

    @Argument(help: "The FP32 .onnx model.")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the quantized model.")
    var output: String

    @Option(help: "static or dynamic.")
    var mode: QuantizationOptions.Mode = .static

    @Option(parsing: .upToNextOption, help: "Calibration image directories, image files or .npy tensors (static mode).")
    var calibration: [String] = []

    @Option(help: "Calibration method: minmax, percentile or entropy.")
    var method: QuantizationOptions.Method = .minmax

    @Option(help: "Percentile kept by --method percentile.")
    var percentile: Double = 99.999

    @Flag(help: "Per-output-channel weight scales (static mode; dynamic is always per channel).")
    var perChannel = false

    @Option(help: "Activation type: int8 or uint8.")
    var activations: QuantizationOptions.Activations = .int8

    @Option(help: "Output form: qdq or qoperator.")
    var format: QuantizationOptions.Format = .qdq

    @Option(parsing: .upToNextOption, help: "Node names to leave in float; a name ending in * is a prefix (/score/*).")
    var exclude: [String] = []

    func validate() throws {
        if mode == .static && calibration.isEmpty { throw ValidationError("static quantization needs --calibration DIR|FILE.npy") }
        if !(percentile > 0 && percentile <= 100) { throw ValidationError("--percentile must be in (0, 100]") }
    }

    func run() throws {
        do {
            try quantize()
        } catch let error as QuantizationError {
            throw CommandFailure("quantize: \(error)")
        }
    }

    func quantize() throws {
        var options = QuantizationOptions()
        options.mode = mode
        options.method = method
        options.percentile = percentile
        options.perChannel = perChannel
        options.activations = activations
        options.format = format
        options.exclude = Set(exclude)
        let model: Model
        do { model = try Model.load(path: input) } catch { throw CommandFailure("\(input): \(error)") }
        try Quantizer.checkNotQuantized(model)
        for pattern in options.unmatchedExcludes(in: model.graph.nodes.map(\.name)) {
            warn("--exclude \(pattern): no node of \(input) has that name")
        }
        var calibrationSet: CalibrationSet?
        if mode == .static {
            let set = try CalibrationSet.load(paths: calibration, model: model)
            for skipped in set.skipped.prefix(5) { warn("skipped \(skipped.path): \(skipped.reason)") }
            if set.skipped.count > 5 { warn("... and \(set.skipped.count - 5) more skipped") }
            warn("calibration: \(set.samples.count) sample(s), \(set.skipped.count) skipped")
            calibrationSet = set
        }
        // A bar over calibration batches (the total is known once the calibrator starts).
        var progress: ProgressLine?
        let result = try Quantizer(options: options).quantize(model, calibration: calibrationSet) { done, total in
            if progress == nil { progress = ProgressLine(total: total) }
            progress?.advance()
            if done == total { progress?.finish(summary: "calibration: \(total) batch(es) done") }
        }
        try result.model.saveAtomically(to: output)
        print(Self.summary(result.report, output: output))
    }

    static func summary(_ report: QuantizationReport, output: String) -> String {
        var lines = ["wrote \(output)"]
        let quantized = report.quantized.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }
        lines.append("quantized: " + (quantized.isEmpty ? "nothing" : quantized.joined(separator: ", ")))
        lines.append("quantized activation tensors: \(report.quantizedTensors)")
        if report.leftFloat.isEmpty {
            lines.append("left in float: none")
        } else {
            lines.append("left in float: \(report.leftFloat.count)")
            for entry in report.leftFloat { lines.append("  \(entry.node) (\(entry.opType)): \(entry.reason)") }
        }
        lines += report.notes
        return lines.joined(separator: "\n")
    }

    func warn(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
}
