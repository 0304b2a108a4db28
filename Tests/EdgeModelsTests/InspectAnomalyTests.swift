import EdgeInference
import EdgeVision
import Testing

/// The committed autoencoder(s), run in our runtime on frames rendered now, scored against the
/// threshold in their metadata.
extension CommittedModelSuites {
@Suite("Committed inspect-ae models")
struct InspectAnomalyTests {
    /// Same fresh seed as the classifier test: not used by training, selection or the card.
    static let seed: UInt64 = 5005
    static let frames = 300
    /// About 4 binomial standard deviations over the ~150 good and ~150 defective frames.
    static let recallTolerance = 0.12
    static let falseAlarmTolerance = 0.05

    @Test("recall and false alarms on a fresh synthetic set are within tolerance of the model card", arguments: CommittedModel.files(named: "inspect-ae"))
    func recallAndFalseAlarms(path: String) throws {
        let model = try CommittedModel(path: path)
        #expect(model.metadata["edgemlops.task"] == "anomaly")
        let threshold = Float(try model.number("edgemlops.threshold"))
        let cardRecall = try model.number("edgemlops.train.recall")
        let cardFalseAlarm = try model.number("edgemlops.train.false_alarm")
        let scoreName = model.metadata["edgemlops.output"] ?? "score"

        let line = try SyntheticInspectionLine(configuration: .init(width: model.spec.width, height: model.spec.height, seed: Self.seed, defectRate: 0.5))
        let session = model.compiled.makeSession()
        var good = 0, falseAlarms = 0, defective = 0, found = 0
        for index in 0..<Self.frames {
            let frame = line.frame(index)
            let score = try #require(try model.run(frame.image, session: session)[scoreName], "\(model.fileName) has no output \(scoreName)").floats()
            #expect(score.count == 1 && score[0].isFinite)
            let flagged = score[0] > threshold
            if frame.truth.label == .ok {
                good += 1
                if flagged { falseAlarms += 1 }
            } else {
                defective += 1
                if flagged { found += 1 }
            }
        }
        let recall = Double(found) / Double(max(defective, 1))
        let falseAlarm = Double(falseAlarms) / Double(max(good, 1))
        #expect(recall >= cardRecall - Self.recallTolerance, "\(model.fileName): recall \(recall), card \(cardRecall)")
        #expect(falseAlarm <= cardFalseAlarm + Self.falseAlarmTolerance, "\(model.fileName): false alarms \(falseAlarm), card \(cardFalseAlarm)")
    }
}
}
