import ArgumentParser

/// `edgemlops model ...`: commands that work on model files.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Work with ONNX model files.",
        subcommands: [Inspect.self]
    )
}
