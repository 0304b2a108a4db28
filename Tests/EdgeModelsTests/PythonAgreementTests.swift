import EdgeInference
import EdgeVision
import Foundation
import Testing

/// Our runtime, fed by our preprocessing, must compute what the Python evaluation computed:
/// `models/reference.py` stores ONNX Runtime's first output for frames 0..N-1 of the held-out
/// seed in the metadata; here the same frames are rendered by the Swift generator and run.
extension CommittedModelSuites {
@Suite("Committed models agree with the Python evaluation")
struct PythonAgreementTests {
    /// Outputs are logits and mean squared errors of order 1; 1e-3 absorbs the float
    /// summation order of different kernels, and a preprocessing mismatch (a channel swap,
    /// another mean/std, another resize) moves them by far more.
    static let tolerance: Float = 1e-3

    static var files: [String] {
        CommittedModel.files(named: "inspect-cls").filter { $0.hasSuffix("-fp32.onnx") }
            + CommittedModel.files(named: "inspect-ae").filter { $0.hasSuffix("-fp32.onnx") }
    }

    @Test("outputs on the reference frames match ONNX Runtime's", arguments: files)
    func agreement(path: String) throws {
        let model = try CommittedModel(path: path)
        let seed = try UInt64(model.number("edgemlops.check.seed"))
        let output = try #require(model.metadata["edgemlops.check.output"], "\(model.fileName): no edgemlops.check.output")
        let text = try #require(model.metadata["edgemlops.check.values"], "\(model.fileName): no edgemlops.check.values")
        let expected = try JSONDecoder().decode([[Float]].self, from: Data(text.utf8))
        #expect(!expected.isEmpty)

        let line = try SyntheticInspectionLine(configuration: .init(width: model.spec.width, height: model.spec.height, seed: seed, defectRate: 0.5))
        let session = model.compiled.makeSession()
        for (index, want) in expected.enumerated() {
            let got = try #require(try model.run(line.frame(index).image, session: session)[output]).floats()
            #expect(got.count == want.count)
            let difference = zip(got, want).map { abs($0 - $1) }.max() ?? .infinity
            #expect(difference <= Self.tolerance, "\(model.fileName) frame \(index) of seed \(seed): got \(got), Python \(want)")
        }
    }
}
}
