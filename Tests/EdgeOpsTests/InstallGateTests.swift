import EdgeOps
import Foundation
import Logging
import Testing

@Suite("Install gate")
struct InstallGateTests {
    let tmp = TemporaryDirectory()

    func run(
        _ bundle: [UInt8],
        name: String = "scratch",
        version: String = "1.0.0",
        configure: (inout GateConfiguration) -> Void = { _ in }
    ) async throws -> GateReport {
        try tmp.write("bundle.bin", bundle)
        let staging = tmp.path + "/staging-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        var configuration = GateConfiguration(keysDirectory: tmp.path + "/keys", pipelineInputShape: [1, 3, 8, 8])
        configure(&configuration)
        return await InstallGate(configuration: configuration, logger: Logger(label: "test")).run(
            file: tmp.path + "/bundle.bin",
            name: name,
            version: version,
            staging: staging
        )
    }

    func trust(_ key: Fixtures.KeyPair, as name: String = "publisher") throws {
        try tmp.write("keys/\(name).pub", Array(Data(key.publicKey).base64EncodedString().utf8))
    }

    func failedStep(_ report: GateReport) -> (String, BundleError.Code)? {
        report.failure.map { ($0.step, $0.error.code) }
    }

    @Test func goodSignedBundlePassesEveryStep() async throws {
        let key = Fixtures.KeyPair()
        try trust(key)
        let report = try await run(try Fixtures.bundle(signer: key)) {
            $0.requireSignature = true
            $0.validators = [ValidatorDouble(name: "golden-set"), ValidatorDouble(name: "latency")]
        }
        #expect(report.passed, "\(report)")
        #expect(
            report.steps.map(\.name) == [
                "size", "unpack", "manifest", "checksums", "signature", "parse", "input-shape", "golden-files",
                "golden-set",
                "latency",
            ]
        )
        #expect(report.steps[4].outcome == .passed("signed by publisher"))
        #expect(report.manifest?.labels == ["ok", "defect"])
    }

    static let goldenCase = ModelManifest.GoldenCase(input: "golden/0.npy", expected: "golden/0.expected.npy")

    @Test func goldenFilesThatFitPass() async throws {
        let bundle = try Fixtures.bundle(
            extraFiles: [
                "golden/0.npy": Fixtures.npy(shape: [1, 3, 8, 8]),
                "golden/0.expected.npy": Fixtures.npy(shape: [1, 3, 8, 8]),
            ],
            golden: [Self.goldenCase]
        )
        let report = try await run(bundle)
        #expect(report.passed, "\(report)")
        #expect(report.steps.first { $0.name == "golden-files" }?.outcome == .passed("1 cases fit the model"))
    }

    @Test(arguments: [
        ([1, 3, 4, 4], [1, 3, 8, 8], BundleError.Code.incompatibleInput),
        ([1, 3, 8, 8], [1, 2], .badManifest),
    ])
    func goldenFilesOfTheWrongShape(input: [Int], expected: [Int], code: BundleError.Code) async throws {
        let bundle = try Fixtures.bundle(
            extraFiles: [
                "golden/0.npy": Fixtures.npy(shape: input), "golden/0.expected.npy": Fixtures.npy(shape: expected),
            ],
            golden: [Self.goldenCase]
        )
        let report = try await run(bundle)
        #expect(failedStep(report)?.0 == "golden-files")
        #expect(failedStep(report)?.1 == code)
    }

    @Test func goldenFileThatIsNotNPY() async throws {
        let bundle = try Fixtures.bundle(
            extraFiles: ["golden/0.npy": [1, 2, 3], "golden/0.expected.npy": Fixtures.npy(shape: [1, 3, 8, 8])],
            golden: [Self.goldenCase]
        )
        let report = try await run(bundle)
        #expect(failedStep(report)! == ("golden-files", .unreadable))
        #expect(report.failure?.error.file == "golden/0.npy")
    }

    @Test func bareOnnxTakesItsManifestFromMetadata() async throws {
        let model = try Fixtures.onnx(metadata: [
            "edgemlops.input_shape": "1,3,8,8", "edgemlops.labels": "ok, defect", "edgemlops.thresholds": "defect=0.7",
        ])
        let report = try await run(model, name: "bare", version: "2")
        #expect(report.passed, "\(report)")
        #expect(report.manifest?.labels == ["ok", "defect"])
        #expect(report.manifest?.thresholds == ["defect": 0.7])
        #expect(report.manifest?.input?.shape == [1, 3, 8, 8])
    }

    @Test func bareOnnxWithBadMetadataNamesTheField() async throws {
        let model = try Fixtures.onnx(metadata: ["edgemlops.thresholds": "defect=high"])
        let report = try await run(model)
        #expect(failedStep(report)?.0 == "manifest")
        #expect(report.failure?.error.field == "edgemlops.thresholds")
    }

    @Test func oversizedBundleIsRefusedBeforeUnpacking() async throws {
        let report = try await run(try Fixtures.bundle()) { $0.maxBundleBytes = 100 }
        #expect(failedStep(report)! == ("size", .tooLarge))
        #expect(report.steps.count == 1)
    }

    @Test func truncatedArchiveIsRefused() async throws {
        let bundle = try Fixtures.bundle()
        let report = try await run(Array(bundle[..<(bundle.count / 2)]))
        #expect(failedStep(report)! == ("unpack", .archive))
    }

    @Test func tamperedModelFailsTheChecksum() async throws {
        let report = try await run(try Fixtures.bundle(tamper: ["model.onnx": [1, 2, 3]]))
        #expect(failedStep(report)! == ("checksums", .checksumMismatch))
        #expect(report.failure?.error.file == "model.onnx")
    }

    @Test func unlistedFileIsRefused() async throws {
        let report = try await run(try Fixtures.bundle(unlisted: ["postprocess.lua": Array("os.exit()".utf8)]))
        #expect(failedStep(report)! == ("checksums", .checksumMismatch))
        #expect(report.failure?.error.file == "postprocess.lua")
    }

    @Test func manifestNamingAnotherVersionIsRefused() async throws {
        let report = try await run(try Fixtures.bundle(version: "1.0.1"))
        #expect(failedStep(report)! == ("manifest", .badManifest))
        #expect(report.failure?.error.field == "version")
    }

    @Test func missingSignatureWhenRequired() async throws {
        try trust(Fixtures.KeyPair())
        let report = try await run(try Fixtures.bundle()) { $0.requireSignature = true }
        #expect(failedStep(report)! == ("signature", .unsigned))
    }

    @Test func signatureFromAnUntrustedKey() async throws {
        try trust(Fixtures.KeyPair())
        let report = try await run(try Fixtures.bundle(signer: Fixtures.KeyPair())) { $0.requireSignature = true }
        #expect(failedStep(report)! == ("signature", .badSignature))
    }

    /// A bad signature is refused even when signing is optional: it is evidence of tampering.
    @Test func badSignatureIsRefusedEvenWhenOptional() async throws {
        try trust(Fixtures.KeyPair())
        let report = try await run(try Fixtures.bundle(signer: Fixtures.KeyPair()))
        #expect(failedStep(report)! == ("signature", .badSignature))
    }

    @Test func malformedKeyFileIsNamed() async throws {
        try tmp.write("keys/broken.pub", Array("not a key".utf8))
        let report = try await run(try Fixtures.bundle(signer: Fixtures.KeyPair())) { $0.requireSignature = true }
        #expect(failedStep(report)! == ("signature", .badKey))
        #expect(report.failure?.error.file?.hasSuffix("keys/broken.pub") == true)
    }

    @Test func bareOnnxCannotSatisfyRequiredSigning() async throws {
        let report = try await run(try Fixtures.onnx()) { $0.requireSignature = true }
        #expect(failedStep(report)! == ("signature", .unsigned))
    }

    @Test func garbageIsNotAModel() async throws {
        let report = try await run(Array("definitely not protobuf".utf8))
        #expect(failedStep(report)?.1 == .unparsable)
    }

    @Test func incompatibleInputShape() async throws {
        let report = try await run(try Fixtures.bundle(shape: [1, 3, 16, 16]))
        #expect(failedStep(report)! == ("input-shape", .incompatibleInput))
        #expect(report.failure?.error.field == "images")
    }

    @Test func validatorRefusalStopsTheGate() async throws {
        let report = try await run(try Fixtures.bundle()) {
            $0.validators = [
                ValidatorDouble(name: "golden-set", refusal: "case 0: max abs error 0.4"),
                ValidatorDouble(name: "latency"),
            ]
        }
        #expect(failedStep(report)! == ("golden-set", .validation))
        #expect(report.steps.last?.name == "golden-set")
        #expect("\(report)".contains("FAIL  golden-set"))
    }
}
