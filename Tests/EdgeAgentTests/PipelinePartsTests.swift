import EdgeAgent
import EdgeTestSupport
import Testing

@Suite("Pipeline parts")
struct PipelinePartsTests {
    @Test("Latency percentiles are nearest-rank over the last samples only")
    func latencyWindow() throws {
        var window = LatencyWindow(capacity: 100)
        #expect(window.percentile(50) == nil)
        for value in 1...100 { window.record(Double(value)) }
        #expect(window.percentile(50) == 50)
        #expect(window.percentile(99) == 99)
        #expect(window.percentile(100) == 100)
        // 100 more samples of 1000 push every old one out.
        for _ in 0..<100 { window.record(1000) }
        #expect(window.count == 100)
        #expect(window.percentile(1) == 1000)
    }

    @Test("Logits go through a softmax; probabilities are kept; unnamed classes get class_<n>")
    func classify() {
        let logits = CompiledModelBackend.classify([0, 2, 0], labels: ["ok", "scratch", "dent"], latencyMilliseconds: 3)
        #expect(logits.label == "scratch")
        let expected = 1 / (1 + 2 * 1 / 7.38905609893065)
        #expect(abs(logits.score - expected) < 1e-6)
        #expect(abs(logits.scores.values.reduce(0, +) - 1) < 1e-9)
        let probabilities = CompiledModelBackend.classify([0.25, 0.75], labels: [], latencyMilliseconds: 0)
        #expect(probabilities.label == "class_1")
        #expect(probabilities.score == 0.75)
    }

    @Test("The locator prefers int8 over fp32, searches directories in order, and names every path tried")
    func locator() throws {
        let first = TemporaryDirectory()
        let second = TemporaryDirectory()
        defer {
            first.remove()
            second.remove()
        }
        try makeDirectory(second.path + "/inspect-cls")
        second.write([1], to: "inspect-cls/inspect-cls-fp32.onnx")
        let locator = ModelLocator(searchDirectories: [first.path, second.path])
        #expect(try locator.locate("inspect-cls") == second.path + "/inspect-cls/inspect-cls-fp32.onnx")
        second.write([1], to: "inspect-cls/inspect-cls-static-int8.onnx")
        #expect(try locator.locate("inspect-cls") == second.path + "/inspect-cls/inspect-cls-static-int8.onnx")
        let error = #expect(throws: InferenceBackendError.self) { try locator.locate("missing") }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains(first.path + "/missing/missing-static-int8.onnx") == true)
        #expect(throws: InferenceBackendError.self) { try locator.locate("/nonexistent/model.onnx") }
    }

    @Test("The checkout's models/ is found from .build/<config>/edgemlops")
    func checkoutModels() {
        let locator = ModelLocator.standard(stateDirectory: "/var/lib/e", executablePath: "/src/repo/.build/x86_64-unknown-linux-gnu/release/edgemlops")
        #expect(locator.searchDirectories == ["/var/lib/e/models", "/src/repo/models", "/usr/share/edgemlops/models"])
    }

    func makeDirectory(_ path: String) throws {
        try #require(mkdir(path, 0o755) == 0)
    }
}

#if canImport(Glibc)
import Glibc
#endif
