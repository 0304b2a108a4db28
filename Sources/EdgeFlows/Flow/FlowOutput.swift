/// Something a flow asks the agent to do: publish a measurement, raise an alarm, keep a frame.
///
/// ``fields`` holds the kind-specific data (see docs/flows.md, "Sinks"); ``message`` is the
/// message that reached the sink, for connectors that want more context.
public struct FlowOutput: Sendable, Hashable {
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// `series`, `values` (name -> number), `unit`.
        public static let measurement = Kind(rawValue: "measurement")
        /// `type`, `text`.
        public static let event = Kind(rawValue: "event")
        /// `type`, `action` ("raise" or "clear"), `severity`, `text`.
        public static let alarm = Kind(rawValue: "alarm")
        /// `fragment`, `value`.
        public static let twin = Kind(rawValue: "twin")
        /// `reason`, `frame`, `label`, `score`, `model`: keep this frame for upload.
        public static let sample = Kind(rawValue: "sample")
        /// `reason`: request a capture.
        public static let capture = Kind(rawValue: "capture")
        /// `name`, `value`: a command to the line (stop, reject, light).
        public static let signal = Kind(rawValue: "signal")
        /// `level`, `text` or `value`.
        public static let log = Kind(rawValue: "log")
        /// `level`, `text` or `value`.
        public static let debug = Kind(rawValue: "debug")
        /// `message`, `type`: a node failed on a message.
        public static let error = Kind(rawValue: "error")
    }

    public var kind: Kind
    /// The flow's name.
    public var flow: String
    /// The node that produced it (empty for engine-level outputs).
    public var node: String
    /// Flow time in seconds (virtual in tests).
    public var time: Double
    public var fields: LuaValue
    public var message: LuaValue

    public init(kind: Kind, flow: String, node: String, time: Double, fields: LuaValue, message: LuaValue = .nil) {
        self.kind = kind
        self.flow = flow
        self.node = node
        self.time = time
        self.fields = fields
        self.message = message
    }

    /// `{"t":…,"kind":…,"node":…, <fields>}`: the line format of `edgemlops flow test`.
    public var testRecord: LuaValue {
        var record = fields.tableValue ?? [:]
        record["t"] = time == time.rounded() && abs(time) < 1e15 ? .integer(Int64(time)) : .number(time)
        record["kind"] = .string(kind.rawValue)
        record["node"] = .string(node)
        return .table(record)
    }
}
