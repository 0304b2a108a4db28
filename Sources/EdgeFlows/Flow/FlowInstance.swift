/// One flow file compiled into its own Lua state, ready to receive messages.
///
/// Every call takes `now` (seconds): the instance never reads a clock, so tests run in virtual
/// time and the engine passes its own clock. Not thread-safe: drive it from one executor.
public final class FlowInstance {
    /// The flow's name (its `name` field, else the file name without `.lua`).
    public let name: String
    /// The file it was loaded from, as used in messages.
    public let path: String
    /// Warnings found while checking it (errors prevent loading).
    public let diagnostics: [FlowDiagnostic]
    let lua: LuaState

    /// Compiles, checks and builds a flow.
    ///
    /// - Parameters:
    ///   - source: the flow file's text.
    ///   - path: the file name used in messages (`flows/line1.lua`).
    ///   - limits: memory cap and per-call budgets of this flow's state.
    ///   - global: context shared with other flows; a private one when nil.
    ///   - keepMessages: also copy the message that reached each sink into ``FlowOutput/message``
    ///     (costs a copy per output; the sink fields carry what connectors need).
    /// - Throws: ``FlowError`` `.syntax` or `.invalid` with file, line and every diagnostic.
    public init(
        source: String,
        path: String,
        limits: LuaLimits = .flow,
        global: FlowGlobalContext? = nil,
        keepMessages: Bool = false
    ) throws(FlowError) {
        self.path = path
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        let defaultName = fileName.hasSuffix(".lua") ? String(fileName.dropLast(4)) : fileName
        do {
            // The runtime is trusted code, but it loads under the flow's limits too (it needs far less).
            lua = try LuaState(limits: limits)
            try lua.openFlowHelpers()
            if let global {
                try lua.register("__flow_global_get") { args in [global.get(try args.string(1))] }
                try lua.register("__flow_global_set") { args in
                    let value = try args.value(2)
                    // Refuse at set time: a function stored here could never be read back into Lua.
                    if let kind = Self.opaqueKind(in: value) {
                        throw LuaError(code: .conversion, message: "global context cannot hold a \(kind) value")
                    }
                    global.set(try args.string(1), value)
                    return []
                }
            }
            for chunk in FlowRuntimeSource.chunks {
                try lua.execute(chunk.text, chunkName: "=flow-runtime/" + chunk.name)
            }
        } catch {
            throw FlowError(code: .runtime, message: "cannot start the flow runtime: \(error.message)", file: path)
        }
        let results: [LuaValue]
        do {
            results = try lua.runChunk(
                source,
                chunkName: path,
                environment: "__flow_env",
                handler: "__flow_build",
                arguments: [.string(defaultName), .boolean(keepMessages)]
            )
        } catch {
            throw FlowError(error, file: path)
        }
        let diagnostics = Self.diagnostics(from: results.first ?? .nil, file: path)
        if let first = diagnostics.first(where: { $0.severity == .error }) {
            throw FlowError(
                code: .invalid,
                message: first.message,
                file: path,
                line: first.line,
                node: first.node,
                diagnostics: diagnostics
            )
        }
        self.diagnostics = diagnostics
        self.name = results.count > 1 ? results[1].stringValue ?? defaultName : defaultName
    }

    /// Checks a flow without running it; an empty result means it would load cleanly.
    public static func check(source: String, path: String) -> [FlowDiagnostic] {
        do {
            return try FlowInstance(source: source, path: path).diagnostics
        } catch {
            if !error.diagnostics.isEmpty { return error.diagnostics }
            return [
                FlowDiagnostic(
                    severity: .error,
                    file: error.file ?? path,
                    line: error.line,
                    node: error.node,
                    message: error.message
                )
            ]
        }
    }

    /// Starts the flow: `startup` and `inject { once = true }` fire, intervals are scheduled.
    public func start(now: Double) throws(FlowError) -> FlowStep {
        try step("__flow_start", [.number(now)])
    }

    /// Delivers a message to the matching source nodes and runs the flow to completion.
    public func input(_ input: FlowInput, now: Double) throws(FlowError) -> FlowStep {
        try step("__flow_input", [.string(input.source.rawValue), input.message, .number(now)])
    }

    /// Fires the timers due at `now` (intervals, delays, debounce, trigger, time windows).
    public func tick(now: Double) throws(FlowError) -> FlowStep {
        try step("__flow_tick", [.number(now)])
    }

    /// The flow context, for persistence.
    public func exportContext() throws(FlowError) -> LuaValue {
        do {
            return try lua.call("__flow_context_export").first ?? .nil
        } catch {
            throw FlowError(error, file: path)
        }
    }

    /// Restores flow context saved by ``exportContext()``.
    public func importContext(_ context: LuaValue) throws(FlowError) {
        do {
            try lua.call("__flow_context_import", [context])
        } catch {
            throw FlowError(error, file: path)
        }
    }

    /// Bytes held by this flow's state.
    public var memoryInUse: Int { lua.memoryInUse }

    private func step(_ function: String, _ arguments: [LuaValue]) throws(FlowError) -> FlowStep {
        let results: [LuaValue]
        do {
            results = try lua.call(function, arguments)
        } catch {
            throw FlowError(error, file: path)
        }
        var step = FlowStep(nextDeadline: results.count > 1 ? results[1].numberValue : nil)
        guard case .table(let outbox)? = results.first else { return step }
        step.outputs.reserveCapacity(outbox.count)
        for index in 0..<outbox.count {
            guard case .table(let record)? = outbox[.integer(Int64(index + 1))] else { continue }
            step.outputs.append(
                FlowOutput(
                    kind: FlowOutput.Kind(rawValue: record["kind"]?.stringValue ?? "unknown"),
                    flow: name,
                    node: record["node"]?.stringValue ?? "",
                    time: record["time"]?.numberValue ?? 0,
                    fields: record["fields"] ?? .table([:]),
                    message: record["msg"] ?? .nil
                )
            )
        }
        return step
    }

    /// The type name of the first function, userdata or thread inside `value`, if any.
    static func opaqueKind(in value: LuaValue) -> String? {
        switch value {
        case .opaque(let name): return name
        case .table(let entries):
            for (key, element) in entries {
                if let kind = opaqueKind(in: key) ?? opaqueKind(in: element) { return kind }
            }
            return nil
        default: return nil
        }
    }

    static func diagnostics(from value: LuaValue, file: String) -> [FlowDiagnostic] {
        guard case .table(let list) = value else { return [] }
        var diagnostics: [FlowDiagnostic] = []
        for index in 0..<list.count {
            guard let entry = list[.integer(Int64(index + 1))] else { continue }
            diagnostics.append(
                FlowDiagnostic(
                    severity: entry["severity"]?.stringValue == "error" ? .error : .warning,
                    file: file,
                    line: entry["line"]?.integerValue.map { Int($0) },
                    node: entry["node"]?.stringValue,
                    message: entry["message"]?.stringValue ?? "?"
                )
            )
        }
        return diagnostics
    }
}
