import EdgeInference
import Foundation

/// What `edgemlops infer` reports: per output its shape, type, top-k and file; timing.
struct InferReport: Encodable {
    struct Entry: Encodable {
        var index: Int
        var value: Double
    }

    struct Output: Encodable {
        var name: String
        var shape: [Int]
        var dtype: String
        /// Largest elements over the flattened tensor (class scores for a classifier).
        var top: [Entry]
        var file: String?

        init(name: String, tensor: Tensor, topK: Int, file: String?) {
            self.name = name
            shape = tensor.shape
            dtype = tensor.elementType.description
            let values = tensor.doubles()
            top = values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
                .prefix(topK).map { Entry(index: $0, value: values[$0]) }
            self.file = file
        }
    }

    struct StepTime: Encodable {
        var node: String
        var op: String
        var microseconds: Double
    }

    var model: String
    var isa: String
    var loadMilliseconds: Double
    var runMilliseconds: Double
    var runs: Int
    var arenaBytes: Int
    var constantBytes: Int
    var passes: [String]
    var outputs: [Output]
    var profile: [StepTime]?

    var text: String {
        var lines = [
            "model \(model)  isa \(isa)  load \(String(format: "%.1f", loadMilliseconds)) ms  run \(String(format: "%.3f", runMilliseconds)) ms (mean of \(runs))  arena \(arenaBytes) B"
        ]
        for o in outputs {
            let top = o.top.map { "\($0.index):\(String(format: "%.6g", $0.value))" }.joined(separator: " ")
            lines.append("\(o.name)  \(o.dtype)\(o.shape)  top: \(top)" + (o.file.map { "  -> \($0)" } ?? ""))
        }
        for s in profile ?? [] {
            lines.append(String(format: "%10.1f us  ", s.microseconds) + s.op + "  " + s.node)
        }
        return lines.joined(separator: "\n")
    }
}
