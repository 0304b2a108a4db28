/// One invocation of thin-edge's software-management plugin protocol.
public enum SMPluginRequest: Sendable, Equatable {
    case list
    case prepare
    case finalize
    case install(name: String, version: String?, file: String?)
    case remove(name: String, version: String?)
    /// The optional batch command; answered with exit 1 so the agent falls back to single calls.
    case updateList

    /// A command line thin-edge would not send; maps to exit code 1.
    public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses `list`, `install NAME --module-version V --file F`, ... (options in any order,
    /// `--opt=value` accepted).
    public init(arguments: [String]) throws(UsageError) {
        guard let command = arguments.first else {
            throw UsageError(message: "missing command (list, prepare, install, remove, finalize)")
        }
        var positional: [String] = []
        var options: [String: String] = [:]
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            if argument.hasPrefix("--") {
                let parts = argument.dropFirst(2).split(separator: "=", maxSplits: 1).map(String.init)
                guard ["module-version", "file"].contains(parts[0]) else {
                    throw UsageError(message: "unknown option '\(argument)'")
                }
                guard let value = parts.count == 2 ? parts[1] : rest.popFirst() else {
                    throw UsageError(message: "option '--\(parts[0])' needs a value")
                }
                options[parts[0]] = value
            } else {
                positional.append(argument)
            }
        }
        func noArguments(_ request: SMPluginRequest) throws(UsageError) -> SMPluginRequest {
            guard positional.isEmpty, options.isEmpty else {
                throw UsageError(message: "'\(command)' takes no arguments")
            }
            return request
        }
        switch command {
        case "list": self = try noArguments(.list)
        case "prepare": self = try noArguments(.prepare)
        case "finalize": self = try noArguments(.finalize)
        case "update-list": self = .updateList
        case "install", "remove":
            guard positional.count == 1 else { throw UsageError(message: "'\(command)' needs exactly one module name") }
            if command == "install" {
                self = .install(name: positional[0], version: options["module-version"], file: options["file"])
            } else {
                guard options["file"] == nil else { throw UsageError(message: "'remove' takes no --file") }
                self = .remove(name: positional[0], version: options["module-version"])
            }
        default:
            throw UsageError(message: "unknown command '\(command)'")
        }
    }
}
