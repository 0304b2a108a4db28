import ArgumentParser
import EdgeInference
import Foundation

extension ModelCommand {
    /// `edgemlops model inspect MODEL [--json]`.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect",
            abstract:
                "Show a model's inputs, outputs, operators, parameters, quantization scheme, opsets and metadata.",
            discussion: """
                Output shapes come from EdgeMLOps' own static shape inference; inputs with symbolic
                dimensions (such as a batch size 'N') leave them unresolved and the report says why.
                """
        )

        @Argument(help: "The .onnx model file.")
        var model: String

        @Flag(help: "Print one JSON object instead of the table.")
        var json = false

        func run() async throws {
            let loaded = try Model.load(path: model)
            let inspection = ModelInspection(model: loaded)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(Report(model: model, inspection: inspection))
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(inspection.table(title: model))
            }
        }

        /// The JSON document: the model path plus the inspection's fields.
        struct Report: Encodable {
            var model: String
            var inspection: ModelInspection

            func encode(to encoder: any Encoder) throws {
                try inspection.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(model, forKey: Key(stringValue: "model"))
            }

            struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }
        }
    }
}
