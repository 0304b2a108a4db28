import CEdgeBridge

/// A list of push operations that C runs on Swift's behalf, so that any Lua error
/// (out of memory while pushing a string, say) is raised in C, never across Swift.
///
/// The program owns its memory; it is reused between calls to avoid allocating per call.
final class LuaPushProgram {
    private var ops: UnsafeMutablePointer<edge_lua_op>
    private var opCapacity: Int
    private(set) var opCount = 0
    private var bytes: UnsafeMutableRawPointer
    private var byteCapacity: Int
    private var byteCount = 0

    /// Tables nested deeper than this are refused (a cycle in Swift data cannot happen,
    /// but a runaway structure should fail clearly rather than exhaust the Lua stack).
    static let maximumDepth = 64

    init() {
        opCapacity = 16
        ops = .allocate(capacity: opCapacity)
        byteCapacity = 256
        bytes = .allocate(byteCount: byteCapacity, alignment: 8)
    }

    deinit {
        ops.deallocate()
        bytes.deallocate()
    }

    func reset() {
        opCount = 0
        byteCount = 0
    }

    private func append(_ op: edge_lua_op) {
        if opCount == opCapacity {
            let grown = UnsafeMutablePointer<edge_lua_op>.allocate(capacity: opCapacity * 2)
            grown.moveInitialize(from: ops, count: opCount)
            ops.deallocate()
            ops = grown
            opCapacity *= 2
        }
        (ops + opCount).initialize(to: op)
        opCount += 1
    }

    /// Copies string bytes into the program and returns their offset (patched to a pointer in ``finish()``).
    private func store(_ string: String) -> (offset: Int, length: Int) {
        var string = string
        return string.withUTF8 { utf8 in
            if byteCount + utf8.count > byteCapacity {
                var capacity = byteCapacity * 2
                while capacity < byteCount + utf8.count { capacity *= 2 }
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
                grown.copyMemory(from: bytes, byteCount: byteCount)
                bytes.deallocate()
                bytes = grown
                byteCapacity = capacity
            }
            let offset = byteCount
            if let base = utf8.baseAddress {
                (bytes + offset).copyMemory(from: base, byteCount: utf8.count)
            }
            byteCount += utf8.count
            return (offset, utf8.count)
        }
    }

    private func op(_ kind: edge_lua_op_kind) -> edge_lua_op {
        var op = edge_lua_op()
        op.kind = Int32(kind.rawValue)
        return op
    }

    private func stringOp(_ kind: edge_lua_op_kind, _ string: String) -> edge_lua_op {
        var op = op(kind)
        let (offset, length) = store(string)
        op.integer = Int64(offset)  // patched in finish()
        op.length = length
        return op
    }

    func push(_ value: LuaValue, depth: Int = 0) throws(LuaError) {
        switch value {
        case .nil:
            append(op(EDGE_LUA_OP_NIL))
        case .boolean(let b):
            var op = op(EDGE_LUA_OP_BOOLEAN)
            op.integer = b ? 1 : 0
            append(op)
        case .integer(let i):
            var op = op(EDGE_LUA_OP_INTEGER)
            op.integer = i
            append(op)
        case .number(let d):
            var op = op(EDGE_LUA_OP_NUMBER)
            op.number = d
            append(op)
        case .string(let s):
            append(stringOp(EDGE_LUA_OP_STRING, s))
        case .table(let entries):
            guard depth < Self.maximumDepth else {
                throw LuaError(code: .conversion, message: "table nested deeper than \(Self.maximumDepth) levels")
            }
            var op = op(EDGE_LUA_OP_NEWTABLE)
            var sequence = 0
            while entries[.integer(Int64(sequence + 1))] != nil { sequence += 1 }
            op.integer = Int64(sequence)
            op.length = entries.count - sequence
            append(op)
            for (key, element) in entries {
                switch key {
                case .nil, .opaque, .table:
                    throw LuaError(code: .conversion, message: "a table key cannot be \(key.typeName)")
                case .number(let d) where d.isNaN:
                    throw LuaError(code: .conversion, message: "a table key cannot be NaN")
                default: break
                }
                try push(key, depth: depth + 1)
                try push(element, depth: depth + 1)
                append(self.op(EDGE_LUA_OP_RAWSET))
            }
        case .opaque(let name):
            throw LuaError(code: .conversion, message: "a \(name) value cannot be copied into Lua")
        }
    }

    func setGlobal(_ name: String) {
        append(stringOp(EDGE_LUA_OP_SETGLOBAL, name))
    }

    func getGlobal(_ name: String) {
        append(stringOp(EDGE_LUA_OP_GETGLOBAL, name))
    }

    func pushFunction(
        _ function: edge_swift_function,
        release: edge_swift_release,
        context: UnsafeMutableRawPointer
    ) {
        var op = op(EDGE_LUA_OP_FUNCTION)
        op.function = function
        op.release = release
        op.context = context
        append(op)
    }

    /// Patches string pointers; the result is valid until the next change to the program.
    func finish() -> (UnsafePointer<edge_lua_op>, Int) {
        for index in 0..<opCount {
            switch edge_lua_op_kind(UInt32(ops[index].kind)) {
            case EDGE_LUA_OP_STRING, EDGE_LUA_OP_SETGLOBAL, EDGE_LUA_OP_GETGLOBAL:
                ops[index].bytes = UnsafePointer(
                    (bytes + Int(ops[index].integer)).assumingMemoryBound(to: CChar.self)
                )
            default: break
            }
        }
        return (UnsafePointer(ops), opCount)
    }
}
