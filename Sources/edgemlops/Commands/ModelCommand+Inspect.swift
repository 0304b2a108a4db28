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

        @Option(
            name: .customLong("shape"),
            help: ArgumentHelp(
                "Concrete shape for an input with symbolic dimensions, e.g. input=1,3,224,224 (repeatable).",
                valueName: "NAME=DIMS"
            )
        )
        var shapes: [String] = []

        func validate() throws {
            _ = try inputShapes()
        }

        /// Parses the `--shape` options.
        func inputShapes() throws -> [String: [Int]] {
            var result: [String: [Int]] = [:]
            for text in shapes {
                guard let eq = text.lastIndex(of: "="), eq != text.startIndex else {
                    throw ValidationError("--shape '\(text)' must look like NAME=D1,D2,...")
                }
                let dims = text[text.index(after: eq)...].split(separator: ",").map { Int($0) }
                guard !dims.contains(nil), dims.allSatisfy({ $0! >= 0 }) else {
                    throw ValidationError("--shape '\(text)': dimensions must be non-negative integers")
                }
                result[String(text[..<eq])] = dims.map { $0! }
            }
            return result
        }

        func run() async throws {
            let loaded = try Model.load(path: model)
            let inspection = ModelInspection(model: loaded, inputShapes: try inputShapes())
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
