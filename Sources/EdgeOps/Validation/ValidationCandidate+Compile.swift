import EdgeInference

extension ValidationCandidate {
    /// The graph input the pipeline feeds: the manifest's, else the model's first runtime input.
    var inputName: String? {
        let inputs = model.graph.runtimeInputs
        if let name = manifest.input?.name { return inputs.first { $0.name == name }?.name }
        return inputs.first?.name
    }

    /// Compiles the candidate for `shape` (the manifest's input shape when nil); errors are
    /// validation failures naming the model file.
    func compile(shape: [Int]?) throws(BundleError) -> CompiledModel {
        guard let input = inputName else {
            throw BundleError(code: .validation, message: "the graph has no input", file: manifest.model)
        }
        var shapes: [String: [Int]] = [:]
        if let shape = shape ?? manifest.input?.shape { shapes[input] = shape }
        do {
            return try CompiledModel(model: model, inputShapes: shapes)
        } catch {
            throw BundleError(code: .validation, message: "cannot compile: \(error)", file: manifest.model)
        }
    }
}
