import EdgeInference
import EdgeVision
import Testing

/// The committed classifier(s), run in our runtime on frames rendered now from a seed no
/// training, selection or held-out set uses.
extension CommittedModelSuites {
@Suite("Committed inspect-cls models")
struct InspectClassifierTests {
    /// 5005: not 1001 (training), 2002 (selection), 3003 (model card) or 4004 (calibration).
    static let seed: UInt64 = 5005
    static let frames = 300
    /// Points of accuracy the fresh set may fall short of the model card's held-out figure:
    /// about 4 binomial standard deviations at 97 % over 300 frames.
    static let tolerance = 0.04

    @Test("accuracy on a fresh synthetic set is within tolerance of the model card", arguments: CommittedModel.files(named: "inspect-cls"))
    func accuracy(path: String) throws {
        let model = try CommittedModel(path: path)
        #expect(model.metadata["edgemlops.task"] == "classification")
        let labels = model.spec.labels
        #expect(labels == SyntheticLabel.allLabels.map(\.name))
        let card = try model.number("edgemlops.train.accuracy")

        let line = try SyntheticInspectionLine(configuration: .init(width: model.spec.width, height: model.spec.height, seed: Self.seed, defectRate: 0.5))
        let session = model.compiled.makeSession()
        var correct = 0
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        for index in 0..<Self.frames {
            let frame = line.frame(index)
            let logits = try #require(try model.run(frame.image, session: session)[model.compiled.outputNames[0]]).floats()
            #expect(logits.count == labels.count)
            let predicted = logits.indices.max { logits[$0] < logits[$1] }!
            let truth = try #require(labels.firstIndex(of: frame.truth.label.name))
            confusion[truth][predicted] += 1
            if predicted == truth { correct += 1 }
        }
        let accuracy = Double(correct) / Double(Self.frames)
        #expect(accuracy >= card - Self.tolerance, "\(model.fileName): \(accuracy) on seed \(Self.seed), card \(card); confusion \(confusion)")
    }
}
}
