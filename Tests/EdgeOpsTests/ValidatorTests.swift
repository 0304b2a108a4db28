import EdgeInference
import EdgeOps
import Foundation
import Logging
import Testing

/// The executor-backed validators on the tiny Relu model of ``Fixtures/onnx(shape:metadata:)``.
@Suite("Executor validators")
struct ValidatorTests {
    let tmp = TemporaryDirectory()
    static let shape = [1, 3, 8, 8]
    static let golden = ModelManifest.GoldenCase(input: "golden/0.npy", expected: "golden/0.expected.npy")

    /// Varied input with negatives, so Relu changes it and every row has a distinct maximum.
    static let input: [Float] = (0..<192).map { Float(sin(Double($0) * 0.7)) }
    /// The reference Relu, computed here independently of the executor.
    static let reference: [Float] = input.map { max($0, 0) }

    func gate(
        expected: [Float],
        tolerance: ModelManifest.Tolerance? = nil,
        manifestBudget: Double? = nil,
        validators: [any ModelValidator]
    ) async throws -> GateReport {
        let bundle = try Fixtures.bundle(
            extraFiles: [
                "golden/0.npy": NPY.encode(Tensor(floats: Self.input, shape: Self.shape)),
                "golden/0.expected.npy": NPY.encode(Tensor(floats: expected, shape: Self.shape)),
            ],
            golden: [Self.golden],
            tolerance: tolerance,
            latencyBudgetMs: manifestBudget
        )
        try tmp.write("bundle.tgz", bundle)
        let staging = tmp.path + "/staging-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let configuration = GateConfiguration(keysDirectory: tmp.path + "/keys", validators: validators)
        return await InstallGate(configuration: configuration, logger: Logger(label: "test")).run(
            file: tmp.path + "/bundle.tgz",
            name: "scratch",
            version: "1.0.0",
            staging: staging
        )
    }

    @Test func goldenSetMatchingTheExecutorPasses() async throws {
        let report = try await gate(expected: Self.reference, validators: [GoldenSetValidator()])
        #expect(report.passed, "\(report)")
        #expect(report.steps.last?.name == "golden-set")
        #expect(report.steps.last?.outcome == .passed("1 cases match"))
    }

    @Test func goldenSetOffByMoreThanOneStepIsRefused() async throws {
        let shifted = Self.reference.map { $0 + 0.1 }
        let report = try await gate(expected: shifted, validators: [GoldenSetValidator()])
        let failure = try #require(report.failure)
        #expect(failure.step == "golden-set")
        #expect(failure.error.code == .validation)
        #expect(failure.error.file == "golden/0.expected.npy")
        #expect(failure.error.message.contains("element 0"))
    }

    @Test func manifestToleranceWidensTheCheck() async throws {
        let shifted = Self.reference.map { $0 + 0.1 }
        let report = try await gate(
            expected: shifted,
            tolerance: .init(absolute: 0.2),
            validators: [GoldenSetValidator()]
        )
        #expect(report.passed, "\(report)")
    }

    @Test(arguments: [true, false])
    func top1DisagreementWithinTheAbsoluteTolerance(top1: Bool) async throws {
        // Raise a non-maximal element of row 0 above the row's maximum, by less than the tolerance.
        var expected = Self.reference
        let row = Array(expected[0..<8])
        let top = row.indices.max { row[$0] < row[$1] }!
        let other = top == 0 ? 1 : 0
        expected[other] = row[top] + 0.3
        let report = try await gate(
            expected: expected,
            tolerance: .init(absolute: 2, top1: top1),
            validators: [GoldenSetValidator()]
        )
        if top1 {
            #expect(report.failure?.error.message.contains("row 0 top-1 is class \(top)") == true, "\(report)")
        } else {
            #expect(report.passed, "\(report)")
        }
    }

    @Test func latencyOverTheConfiguredBudgetIsRefused() async throws {
        let report = try await gate(
            expected: Self.reference,
            validators: [LatencyValidator(budgetMs: 1e-9, warmUp: 1, runs: 3)]
        )
        let failure = try #require(report.failure)
        #expect(failure.step == "latency")
        #expect(failure.error.field == "latencyBudgetMs")
        #expect(failure.error.message.contains("over the budget"))
    }

    @Test func latencyWithinTheBudgetPassesAndReportsTheMedian() async throws {
        let report = try await gate(
            expected: Self.reference,
            validators: [LatencyValidator(budgetMs: 60_000, warmUp: 1, runs: 3)]
        )
        #expect(report.passed, "\(report)")
        guard case .passed(let detail) = report.steps.last?.outcome else {
            Issue.record("latency did not pass: \(report)")
            return
        }
        #expect(detail.hasPrefix("median ") && detail.contains("budget 60000.000 ms"))
    }

    @Test func manifestBudgetAppliesWhenNoneIsConfigured() async throws {
        let report = try await gate(
            expected: Self.reference,
            manifestBudget: 1e-9,
            validators: [LatencyValidator(warmUp: 0, runs: 1)]
        )
        #expect(report.failure?.step == "latency")
    }

    /// `sm-plugin install` as thin-edge calls it, with the settings the wrapper's environment gives.
    @Test func pluginInstallRunsTheValidators() async throws {
        let settings = try SMPluginSettings(environment: [
            "EDGEMLOPS_STATE_DIR": tmp.path + "/state", "EDGEMLOPS_FLOWS_DIR": tmp.path + "/flows",
            "EDGEMLOPS_KEYS_DIR": tmp.path + "/keys", "EDGEMLOPS_LATENCY_BUDGET_MS": "60000",
        ])
        let plugin = SMPlugin(kind: .model, settings: settings, logger: Logger(label: "test"))
        func bundle(_ version: String, _ expected: [Float]) throws -> String {
            try tmp.write(
                "downloads/\(version).tgz",
                try Fixtures.bundle(
                    version: version,
                    extraFiles: [
                        "golden/0.npy": NPY.encode(Tensor(floats: Self.input, shape: Self.shape)),
                        "golden/0.expected.npy": NPY.encode(Tensor(floats: expected, shape: Self.shape)),
                    ],
                    golden: [Self.golden]
                )
            )
            return tmp.path + "/downloads/\(version).tgz"
        }
        let good = await plugin.run(["install", "scratch", "--module-version", "1.0.0", "--file", try bundle("1.0.0", Self.reference)])
        #expect(good.exitCode == .success, "\(good.stderr)")
        let bad = await plugin.run(
            ["install", "scratch", "--module-version", "1.1.0", "--file", try bundle("1.1.0", Self.reference.map { $0 + 0.5 })]
        )
        #expect(bad.exitCode == .failure)
        #expect(bad.stderr.contains("refused at step 'golden-set'"), "\(bad.stderr)")
        #expect(await plugin.run(["list"]).stdout == "scratch\t1.0.0\n")
    }

    @Test func pluginSettingsInstallBothValidators() throws {
        let settings = try SMPluginSettings(environment: ["EDGEMLOPS_LATENCY_BUDGET_MS": "25"])
        #expect(settings.gate.validators.map(\.name) == ["golden-set", "latency"])
        #expect((settings.gate.validators.last as? LatencyValidator)?.budgetMs == 25)
        #expect(throws: SMPluginSettings.InvalidValue.self) {
            try SMPluginSettings(environment: ["EDGEMLOPS_LATENCY_BUDGET_MS": "fast"])
        }
    }

    @Test(arguments: [
        (#"{"absolute": -1}"#, "tolerance.absolute"), (#"{"absolute": 0.1}, "latencyBudgetMs": 0"#, "latencyBudgetMs"),
    ])
    func badValidationFieldsAreNamed(fragment: String, field: String) throws {
        let json = #"{"name":"m","version":"1","files":{"model.onnx":""#
            + String(repeating: "a", count: 64) + #""},"tolerance":"# + fragment + "}"
        #expect {
            _ = try ModelManifest.decode(Array(json.utf8), file: "manifest.json")
        } throws: { ($0 as? BundleError)?.field == field }
    }
}
