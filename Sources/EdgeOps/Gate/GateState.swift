import EdgeInference

/// What the gate learns as it goes.
struct GateState {
    var file: String
    var name: String
    var version: String
    var staging: String
    var isArchive = false
    var extractedFiles: [String] = []
    var manifest: ModelManifest?
    var model: Model?
    var inputName: String?
}
