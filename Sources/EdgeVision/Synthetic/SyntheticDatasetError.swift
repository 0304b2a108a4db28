/// A dataset directory that cannot be written.
public struct SyntheticDatasetError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case outputExists, io
        }
        private let base: Base

        /// The directory already holds a labels.csv: refusing to mix two datasets.
        public static let outputExists = Code(base: .outputExists)
        /// Creating the directory or writing a file failed.
        public static let io = Code(base: .io)

        public var description: String {
            switch base {
            case .outputExists: "dataset already exists"
            case .io: "I/O error"
            }
        }
    }

    public var code: Code
    /// The file or directory concerned.
    public var file: String
    public var reason: String

    public init(code: Code, file: String, reason: String) {
        self.code = code
        self.file = file
        self.reason = reason
    }

    public var description: String {
        "\(file): \(code): \(reason)"
    }
}
