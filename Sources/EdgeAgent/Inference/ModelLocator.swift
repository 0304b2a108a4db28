import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the `.onnx` file for a configured `model`: a path is taken as is; a name is looked up
/// in the model store's active slot, then in the bundled model directories, preferring the
/// static int8 build (the fast one on a Pi) over fp32.
public struct ModelLocator: Sendable {
    /// Directories holding `<name>/<name>-static-int8.onnx` and `<name>/<name>-fp32.onnx`, in order.
    public var searchDirectories: [String]

    public init(searchDirectories: [String]) {
        self.searchDirectories = searchDirectories
    }

    /// The store (`<state>/models`), the repository checkout's `models/` (for `make demo` from a
    /// checkout, found relative to the executable), then the packaged `/usr/share/edgemlops/models`.
    public static func standard(stateDirectory: String, executablePath: String?) -> ModelLocator {
        var directories = [stateDirectory + "/models"]
        if let root = checkoutRoot(executablePath: executablePath) { directories.append(root + "/models") }
        directories.append("/usr/share/edgemlops/models")
        return ModelLocator(searchDirectories: directories)
    }

    /// The checkout an executable was built in: the path before its `/.build/` component
    /// (`.build/release` is a symlink to `.build/<triple>/release`, so depth varies).
    public static func checkoutRoot(executablePath: String?) -> String? {
        guard let executablePath, let range = executablePath.range(of: "/.build/") else { return nil }
        return String(executablePath[..<range.lowerBound])
    }

    /// File names tried for `name`, best first.
    public static func candidates(for name: String) -> [String] {
        ["\(name)/\(name)-static-int8.onnx", "\(name)/\(name)-fp32.onnx", "\(name)/\(name).onnx", "\(name).onnx"]
    }

    public func locate(_ model: String) throws(InferenceBackendError) -> String {
        if model.contains("/") {
            guard access(model, R_OK) == 0 else {
                throw InferenceBackendError(code: .notFound, model: model, message: "model file is not readable")
            }
            return model
        }
        var tried: [String] = []
        for directory in searchDirectories {
            for candidate in Self.candidates(for: model) {
                let path = directory + "/" + candidate
                if access(path, R_OK) == 0 { return path }
                tried.append(path)
            }
        }
        throw InferenceBackendError(
            code: .notFound, model: model, message: "no model file; looked for " + tried.joined(separator: ", "))
    }
}
