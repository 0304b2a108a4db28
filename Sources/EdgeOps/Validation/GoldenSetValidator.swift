import EdgeInference
import Foundation

/// Runs every golden case of the bundle on this device's executor and compares the first output
/// with the expected tensor (``ModelManifest/tolerance``; defaults in ``OutputComparison``).
/// A bundle without golden cases passes with a note: the publisher decides whether to ship them.
public struct GoldenSetValidator: ModelValidator {
    public let name = "golden-set"

    public init() {}

    public func validate(_ candidate: ValidationCandidate) async throws(BundleError) -> String {
        let manifest = candidate.manifest
        guard !manifest.golden.isEmpty else { return "no golden cases in the manifest" }
        guard let inputName = candidate.inputName else {
            throw BundleError(code: .validation, message: "the graph has no input", file: manifest.model)
        }
        let comparison = OutputComparison(manifest.tolerance)
        // Models compile per input shape; golden cases usually share one, so keep the last.
        var compiled: (shape: [Int], session: InferenceSession)?
        for (index, golden) in manifest.golden.enumerated() {
            let input = try InstallGate.readNPY(candidate.directory, golden.input)
            let expected = try InstallGate.readNPY(candidate.directory, golden.expected)
            if compiled?.shape != input.shape {
                compiled = (input.shape, try candidate.compile(shape: input.shape).makeSession())
            }
            let session = compiled!.session
            let outputs: [String: Tensor]
            do {
                outputs = try session.run([inputName: input])
            } catch {
                throw BundleError(
                    code: .validation,
                    message: "golden case \(index) does not run: \(error)",
                    file: golden.input
                )
            }
            guard let first = session.model.outputNames.first, let produced = outputs[first] else {
                throw BundleError(code: .validation, message: "the model produced no output", file: manifest.model)
            }
            if let mismatch = comparison.mismatch(produced: produced, expected: expected) {
                throw BundleError(
                    code: .validation,
                    message: "golden case \(index) output '\(first)': \(mismatch)",
                    file: golden.expected
                )
            }
        }
        return "\(manifest.golden.count) cases match"
    }
}
