import Foundation

/// Locates the CLI for process-level tests.
enum EdgeMLOpsBinary {
    /// `edgemlops`, built by `swift build --build-tests` into the same directory as the test bundle.
    static let path: String? = {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = (executable as NSString).deletingLastPathComponent
        while !directory.isEmpty && directory != "/" {
            let candidate = directory + "/edgemlops"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            if directory.hasSuffix(".xctest") || directory.hasSuffix("/Contents") || directory.hasSuffix("/MacOS") {
                directory = (directory as NSString).deletingLastPathComponent
            } else {
                break
            }
        }
        return nil
    }()
}
