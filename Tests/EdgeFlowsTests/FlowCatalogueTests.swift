import Foundation
import Testing

@testable import EdgeFlows

@Suite("Node catalogue")
struct FlowCatalogueTests {
    static let expected = [
        "verdict", "command", "interval", "inject", "startup", "switch", "change", "range", "threshold", "filter",
        "debounce", "rate_limit", "delay", "trigger", "window", "smooth", "function", "measurement", "event", "alarm",
        "twin", "sample", "capture", "signal", "log", "debug", "catch", "status",
    ]

    @Test("the runtime offers every node type of the issue, each with a kind and a description")
    func catalogue() throws {
        let catalogue = try #require(try FlowInstance.nodeCatalogue().tableValue)
        #expect(Set(catalogue.keys.compactMap(\.stringValue)) == Set(Self.expected))
        for (_, entry) in catalogue {
            #expect(["source", "node", "sink"].contains(entry["kind"]?.stringValue ?? ""))
            #expect(entry["doc"]?.stringValue?.isEmpty == false)
        }
    }

    @Test("docs/flows.md documents every node type and every parameter", arguments: expected)
    func documented(type: String) throws {
        let docs = try String(
            contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("docs/flows.md").path,
            encoding: .utf8
        )
        let written = type == "function" ? "func" : type
        #expect(docs.contains("`\(written)`"), "docs/flows.md does not mention `\(written)`")
        let catalogue = try FlowInstance.nodeCatalogue()
        for key in catalogue[type]?["params"]?.tableValue?.keys.compactMap(\.stringValue) ?? [] {
            #expect(docs.contains("`\(key)`"), "parameter `\(key)` of \(type) is not in docs/flows.md")
        }
    }
}
