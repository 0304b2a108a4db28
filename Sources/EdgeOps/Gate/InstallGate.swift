import EdgeInference
import Foundation
import Logging

/// Checks a model bundle step by step before anything reaches the store:
/// `size`, `unpack`, `manifest`, `checksums`, `signature`, `parse`, `input-shape`, then each
/// configured ``ModelValidator``. The first failure stops the gate; the report lists every step run.
public struct InstallGate: Sendable {
    public static let manifestFile = "manifest.json"
    public static let signatureFile = "manifest.json.sig"

    public let configuration: GateConfiguration
    let logger: Logger

    public init(configuration: GateConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Unpacks `file` into `staging` (an empty directory) and checks it as `name` `version`.
    public func run(file: String, name: String, version: String, staging: String) async -> GateReport {
        var report = GateReport()
        var state = GateState(file: file, name: name, version: version, staging: staging)
        let steps: [(String, (inout GateState) throws(BundleError) -> String)] = [
            ("size", checkSize), ("unpack", unpack), ("manifest", readManifest), ("checksums", checkChecksums),
            ("signature", checkSignature), ("parse", parse), ("input-shape", checkInputShape),
            ("golden-files", checkGoldenFiles),
        ]
        for (stepName, body) in steps {
            do {
                let detail = try body(&state)
                report.steps.append(
                    .init(
                        name: stepName,
                        outcome: detail.hasPrefix("skipped: ") ? .skipped(String(detail.dropFirst(9))) : .passed(detail)
                    )
                )
            } catch {
                report.steps.append(.init(name: stepName, outcome: .failed(error)))
                logger.warning(
                    "install gate refused the bundle",
                    metadata: ["file": "\(file)", "step": "\(stepName)", "reason": "\(error)"]
                )
                return report
            }
        }
        report.manifest = state.manifest
        guard let manifest = state.manifest, let model = state.model else { return report }
        let candidate = ValidationCandidate(directory: staging, manifest: manifest, model: model)
        for validator in configuration.validators {
            do {
                report.steps.append(
                    .init(name: validator.name, outcome: .passed(try await validator.validate(candidate)))
                )
            } catch {
                report.steps.append(.init(name: validator.name, outcome: .failed(error)))
                return report
            }
        }
        return report
    }

    // MARK: Steps

    func checkSize(_ state: inout GateState) throws(BundleError) -> String {
        var st = stat()
        guard stat(state.file, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw BundleError(code: .unreadable, message: "not a readable regular file", file: state.file)
        }
        let size = Int(st.st_size)
        guard size <= configuration.maxBundleBytes else {
            throw BundleError(
                code: .tooLarge,
                message: "\(size) bytes, over the cap of \(configuration.maxBundleBytes)",
                file: state.file
            )
        }
        return "\(size) bytes"
    }

    func unpack(_ state: inout GateState) throws(BundleError) -> String {
        guard let data = FileManager.default.contents(atPath: state.file) else {
            throw BundleError(code: .unreadable, message: "cannot read", file: state.file)
        }
        var bytes = [UInt8](data)
        do {
            if Gzip.isGzip(bytes) {
                bytes = try Gzip.decompress(bytes, maxOutput: configuration.maxUnpackedBytes)
            }
            if Self.isTar(bytes) {
                let files = try TarExtractor(destination: state.staging, maxTotalBytes: configuration.maxUnpackedBytes)
                    .extract(TarReader(bytes: bytes))
                state.extractedFiles = files
                state.isArchive = true
                return "\(files.count) files"
            }
        } catch {
            throw BundleError(code: .archive, message: error.description, file: state.file)
        }
        // Anything else is taken for a bare model; the parse step decides whether it is one.
        guard FileManager.default.createFile(atPath: state.staging + "/model.onnx", contents: Data(bytes)) else {
            throw BundleError(
                code: .unreadable,
                message: "cannot write the staged model",
                file: state.staging + "/model.onnx"
            )
        }
        state.extractedFiles = ["model.onnx"]
        return "bare model"
    }

    func readManifest(_ state: inout GateState) throws(BundleError) -> String {
        if !state.isArchive {
            let path = state.staging + "/model.onnx"
            let model = try Self.load(path, displayName: state.file)
            let digest = SHA256.hex(try Self.read(path))
            state.model = model
            state.manifest = try ModelManifest.fromMetadata(
                model,
                name: state.name,
                version: state.version,
                file: state.file,
                sha256: digest
            )
            try writeManifest(state.manifest!, to: state.staging + "/" + Self.manifestFile)
            return "from the model's metadata_props"
        }
        let path = state.staging + "/" + Self.manifestFile
        guard FileManager.default.fileExists(atPath: path) else {
            throw BundleError(code: .missingFile, message: "the archive has no \(Self.manifestFile)", file: state.file)
        }
        let manifest = try ModelManifest.decode(try Self.read(path), file: Self.manifestFile)
        guard manifest.name == state.name else {
            throw BundleError(
                code: .badManifest,
                message: "names '\(manifest.name)', installed as '\(state.name)'",
                file: Self.manifestFile,
                field: "name"
            )
        }
        guard manifest.version == state.version else {
            throw BundleError(
                code: .badManifest,
                message: "version '\(manifest.version)', installed as '\(state.version)'",
                file: Self.manifestFile,
                field: "version"
            )
        }
        state.manifest = manifest
        return
            "\(manifest.name) \(manifest.version), \(manifest.files.count) files, \(manifest.golden.count) golden cases"
    }

    func checkChecksums(_ state: inout GateState) throws(BundleError) -> String {
        guard let manifest = state.manifest else { return "skipped: no manifest" }
        let extracted = Set(state.extractedFiles).subtracting([Self.manifestFile, Self.signatureFile])
        // An unlisted file would be content the signature does not cover.
        if let stray = extracted.subtracting(manifest.files.keys).sorted().first {
            throw BundleError(
                code: .checksumMismatch,
                message: "file not listed in the manifest",
                file: stray,
                field: "files"
            )
        }
        for (file, expected) in manifest.files.sorted(by: { $0.key < $1.key }) {
            guard extracted.contains(file) || !state.isArchive else {
                throw BundleError(
                    code: .missingFile,
                    message: "listed in the manifest but not in the bundle",
                    file: file
                )
            }
            let actual = SHA256.hex(try Self.read(state.staging + "/" + file))
            guard actual == expected.lowercased() else {
                throw BundleError(
                    code: .checksumMismatch,
                    message: "sha256 \(actual), manifest says \(expected)",
                    file: file
                )
            }
        }
        for golden in manifest.golden {
            for path in [golden.input, golden.expected] where manifest.files[path] == nil {
                throw BundleError(
                    code: .badManifest,
                    message: "golden file '\(path)' has no checksum",
                    file: Self.manifestFile,
                    field: "golden"
                )
            }
        }
        return "\(manifest.files.count) files match"
    }

    func checkSignature(_ state: inout GateState) throws(BundleError) -> String {
        let signaturePath = state.staging + "/" + Self.signatureFile
        let hasSignature = state.isArchive && FileManager.default.fileExists(atPath: signaturePath)
        guard hasSignature else {
            if configuration.requireSignature {
                throw BundleError(
                    code: .unsigned,
                    message: state.isArchive
                        ? "no \(Self.signatureFile) and signing is required"
                        : "a bare model cannot be signed and signing is required",
                    file: state.file
                )
            }
            return "skipped: unsigned, signing not required"
        }
        let verifier = try SignatureVerifier(directory: configuration.keysDirectory)
        guard !verifier.keys.isEmpty else {
            throw BundleError(
                code: .badSignature,
                message: "no trusted keys (*.pub) in \(configuration.keysDirectory)",
                file: Self.signatureFile
            )
        }
        let manifest = try Self.read(state.staging + "/" + Self.manifestFile)
        guard let signer = verifier.signer(of: manifest, signature: try Self.read(signaturePath)) else {
            throw BundleError(
                code: .badSignature,
                message: "no trusted key in \(configuration.keysDirectory) verifies the manifest",
                file: Self.signatureFile
            )
        }
        return "signed by \(signer)"
    }

    func parse(_ state: inout GateState) throws(BundleError) -> String {
        guard let manifest = state.manifest else { return "skipped: no manifest" }
        let path = state.staging + "/" + manifest.model
        let model: Model
        if let loaded = state.model {
            model = loaded
        } else {
            model = try Self.load(path, displayName: manifest.model)
        }
        state.model = model
        let inputs = model.graph.runtimeInputs
        guard let input = manifest.input?.name.flatMap({ n in inputs.first { $0.name == n } }) ?? inputs.first else {
            throw BundleError(code: .unparsable, message: "the graph has no input", file: manifest.model)
        }
        state.inputName = input.name
        var shapes: [String: [Int]] = [:]
        if let shape = manifest.input?.shape ?? configuration.pipelineInputShape { shapes[input.name] = shape }
        do {
            _ = try ShapeInference.infer(model, inputShapes: shapes)
        } catch {
            throw BundleError(code: .unparsable, message: "shape inference: \(error)", file: manifest.model)
        }
        return "\(model.graph.nodes.count) nodes, input \(input.typeDescription)"
    }

    func checkInputShape(_ state: inout GateState) throws(BundleError) -> String {
        guard let model = state.model, let name = state.inputName,
            let declared = model.graph.runtimeInputs.first(where: { $0.name == name })
        else { return "skipped: no model" }
        let wanted = state.manifest?.input?.shape
        for (label, shape) in [("manifest input", wanted), ("pipeline input", configuration.pipelineInputShape)] {
            guard let shape else { continue }
            if let reason = Self.incompatibility(declared: declared.shape, shape: shape) {
                throw BundleError(
                    code: .incompatibleInput,
                    message: "\(label) \(shape) does not fit \(declared.typeDescription): \(reason)",
                    file: state.manifest?.model,
                    field: name
                )
            }
        }
        if let wanted, let pipeline = configuration.pipelineInputShape, wanted != pipeline {
            throw BundleError(
                code: .incompatibleInput,
                message: "the model expects \(wanted), the camera pipeline produces \(pipeline)",
                file: state.manifest?.model,
                field: name
            )
        }
        guard configuration.pipelineInputShape != nil else { return "skipped: no pipeline input configured" }
        return "\(declared.typeDescription) accepts \(configuration.pipelineInputShape!)"
    }

    /// Golden inputs must fit the model and golden outputs must have the shape the model will
    /// produce for them, so the golden-set validator compares like with like.
    func checkGoldenFiles(_ state: inout GateState) throws(BundleError) -> String {
        guard let manifest = state.manifest, !manifest.golden.isEmpty else { return "skipped: no golden set" }
        guard let model = state.model, let name = state.inputName,
            let declared = model.graph.runtimeInputs.first(where: { $0.name == name }),
            let output = model.graph.outputs.first
        else { return "skipped: no model" }
        for (index, golden) in manifest.golden.enumerated() {
            let input = try Self.readNPY(state.staging, golden.input)
            let expected = try Self.readNPY(state.staging, golden.expected)
            if let reason = Self.incompatibility(declared: declared.shape, shape: input.shape) {
                throw BundleError(
                    code: .incompatibleInput,
                    message: "golden case \(index) input \(input.shape): \(reason)",
                    file: golden.input
                )
            }
            if let elementType = declared.elementType, elementType != input.elementType {
                throw BundleError(
                    code: .incompatibleInput,
                    message: "golden case \(index) input is \(input.elementType), the model takes \(elementType)",
                    file: golden.input
                )
            }
            let produced: [Int]?
            do {
                produced = try ShapeInference.infer(model, inputShapes: [name: input.shape])[output.name]?.shape
            } catch {
                throw BundleError(
                    code: .unparsable,
                    message: "shape inference for golden case \(index): \(error)",
                    file: golden.input
                )
            }
            if let produced, produced != expected.shape {
                throw BundleError(
                    code: .badManifest,
                    message: "golden case \(index) expects shape \(expected.shape), the model produces \(produced)",
                    file: golden.expected
                )
            }
        }
        return "\(manifest.golden.count) cases fit the model"
    }

    // MARK: Helpers

    static func readNPY(_ staging: String, _ file: String) throws(BundleError) -> Tensor {
        do {
            return try NPY.read(path: staging + "/" + file)
        } catch {
            throw BundleError(code: .unreadable, message: "not a readable .npy: \(error)", file: file)
        }
    }

    static func incompatibility(declared: [ValueInfo.Dimension]?, shape: [Int]) -> String? {
        guard let declared else { return nil }
        guard declared.count == shape.count else { return "rank \(shape.count) against \(declared.count)" }
        for (i, (d, s)) in zip(declared, shape).enumerated() {
            if case .value(let v) = d, Int(v) != s { return "dimension \(i) is \(v), not \(s)" }
        }
        return nil
    }

    static func isTar(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 512 && bytes[257..<262].elementsEqual("ustar".utf8)
    }

    static func read(_ path: String) throws(BundleError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BundleError(code: .missingFile, message: "cannot read", file: path)
        }
        return [UInt8](data)
    }

    static func load(_ path: String, displayName: String) throws(BundleError) -> Model {
        do {
            return try Model.load(path: path)
        } catch {
            throw BundleError(code: .unparsable, message: "\(error)", file: displayName)
        }
    }

    func writeManifest(_ manifest: ModelManifest, to path: String) throws(BundleError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let data = try? encoder.encode(manifest), FileManager.default.createFile(atPath: path, contents: data)
        else {
            throw BundleError(code: .unreadable, message: "cannot write the manifest", file: path)
        }
    }
}
