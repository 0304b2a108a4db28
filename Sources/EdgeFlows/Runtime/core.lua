-- EdgeMLOps flow runtime, part 1 of 7: messages, delivery, timers.
--
-- The runtime is loaded into every flow's own Lua state before the flow file, chunk by chunk
-- in this order: core, nodes_sources, nodes_routing, nodes_timing, nodes_function,
-- nodes_sinks, build. The chunks share their internals through the global __flow_R, which
-- build.lua removes at the end.
--
-- It runs in the state's real globals; the flow file runs in a separate environment
-- (__flow_env) that holds only node constructors and copies of the safe libraries, so a
-- flow cannot reach or replace anything defined here. Time never comes from a clock: the
-- host passes `now` (seconds) into every call, which makes tests deterministic.

local where = __flow_where
__flow_where = nil
local global_get, global_set = __flow_global_get, __flow_global_set
__flow_global_get, __flow_global_set = nil, nil

local type, pairs, ipairs, next, tostring, tonumber, error, pcall, select, setmetatable, rawequal =
    type, pairs, ipairs, next, tostring, tonumber, error, pcall, select, setmetatable, rawequal
local sfind, sformat, sgsub, ssub, smatch = string.find, string.format, string.gsub, string.sub, string.match
local tinsert, tremove, tconcat, tsort, tunpack = table.insert, table.remove, table.concat, table.sort, table.unpack
local mabs, mfloor, msqrt, mhuge, mmin, mmax = math.abs, math.floor, math.sqrt, math.huge, math.min, math.max
local mtype = math.type

-- Limits per input or timer tick: stop cycles and floods with a clear error.
local MAX_ACTIVATIONS = 10000
local MAX_OUTPUTS = 1000
local MAX_TIMERS = 10000
local MAX_DEPTH = 32

-- MARK: - Messages and properties

local function deepcopy(value, depth)
    if type(value) ~= "table" then return value end
    depth = depth or 0
    if depth > MAX_DEPTH then error("message nested deeper than " .. MAX_DEPTH .. " levels (is it cyclic?)", 0) end
    local copy = {}
    for k, v in next, value do copy[k] = deepcopy(v, depth + 1) end
    return copy
end

local path_cache = {}
local function split_path(path)
    local parts = path_cache[path]
    if parts then return parts end
    parts = {}
    for part in path:gmatch("[^%.]+") do parts[#parts + 1] = tonumber(part) or part end
    path_cache[path] = parts
    return parts
end

local function getp(msg, path)
    local parts = split_path(path)
    local value = msg
    for i = 1, #parts do
        if type(value) ~= "table" then return nil end
        value = value[parts[i]]
    end
    return value
end

local function setp(msg, path, value)
    local parts = split_path(path)
    local t = msg
    for i = 1, #parts - 1 do
        local nextt = t[parts[i]]
        if type(nextt) ~= "table" then
            nextt = {}
            t[parts[i]] = nextt
        end
        t = nextt
    end
    t[parts[#parts]] = value
end

-- "{payload} at {verdict.score}" -> values from msg; numbers printed compactly.
local function render(template, msg)
    return (sgsub(template, "{([%w_%.]+)}", function(path)
        local v = getp(msg, path)
        if mtype(v) == "float" then return sformat("%.4g", v) end
        return tostring(v)
    end))
end

local function equal(a, b, depth)
    if type(a) ~= "table" or type(b) ~= "table" then return a == b end
    depth = depth or 0
    if depth > MAX_DEPTH then return false end
    for k, v in next, a do if not equal(v, b[k], depth + 1) then return false end end
    for k in next, b do if a[k] == nil then return false end end
    return true
end

-- MARK: - The running flow

local F = {
    name = "flow", nodes = {}, order = {}, sources = {}, catches = {}, statuses = {},
    timers = {}, timer_seq = 0, now = 0, flow_context = {}, global_fallback = {},
    outbox = {}, activations = 0, msgid = 0, qnodes = {}, qmsgs = {}, qhead = 1, qtail = 0, started = false,
}

local function emit(node, kind, fields, msg)
    local outbox = F.outbox
    if #outbox >= MAX_OUTPUTS then
        error("flow produced more than " .. MAX_OUTPUTS .. " outputs for one input (huge output)", 0)
    end
    outbox[#outbox + 1] = {
        kind = kind, node = node and node.id or "", time = F.now, fields = fields, msg = F.keep_messages and msg or nil,
    }
end

local function enqueue(node, msg)
    F.activations = F.activations + 1
    if F.activations > MAX_ACTIVATIONS then
        error("flow routed more than " .. MAX_ACTIVATIONS .. " messages for one input (a wiring cycle?)", 0)
    end
    -- Two parallel arrays: no table per activation on the hot path.
    local tail = F.qtail + 1
    F.qtail = tail
    F.qnodes[tail] = node
    F.qmsgs[tail] = msg
end

local function send(node, msg, port)
    if msg == nil then return end
    if type(msg) ~= "table" then
        error("node '" .. node.id .. "' sent a " .. type(msg) .. " value; messages are tables", 0)
    end
    port = port == nil and "1" or tostring(port)
    if port == "out" then port = "1" end
    local targets = node.out[port]
    if targets == nil then return end
    for i = 1, #targets do
        enqueue(targets[i], i == 1 and msg or deepcopy(msg))
    end
end

local function new_msg(fields)
    F.msgid = F.msgid + 1
    local msg = fields or {}
    msg._msgid = F.name .. ":" .. F.msgid
    return msg
end

local function report_error(node, msg, err)
    local text = type(err) == "string" and err or ("(error object is a " .. type(err) .. " value)")
    emit(node, "error", { message = text, type = node.type }, nil)
    for _, catch in ipairs(F.catches) do
        local scope = catch.params.scope
        if scope == nil or scope[node.id] then
            local m = type(msg) == "table" and deepcopy(msg) or new_msg({})
            m.error = { message = text, source = { id = node.id, type = node.type } }
            send(catch, m)
        end
    end
end

local function set_status(node, status)
    for _, watcher in ipairs(F.statuses) do
        local scope = watcher.params.scope
        if (scope == nil or scope[node.id]) and watcher ~= node then
            send(watcher, new_msg({ status = deepcopy(status), source = { id = node.id, type = node.type } }))
        end
    end
end

local function add_timer(node, at, fn)
    local count = 0
    for _ in next, F.timers do count = count + 1 if count >= MAX_TIMERS then
        error("flow has more than " .. MAX_TIMERS .. " pending timers", 0)
    end end
    F.timer_seq = F.timer_seq + 1
    local timer = { at = at, seq = F.timer_seq, node = node, fn = fn }
    F.timers[timer] = true
    return timer
end

local function cancel_timer(timer)
    if timer then F.timers[timer] = nil end
end

local function drain()
    local qnodes, qmsgs = F.qnodes, F.qmsgs
    while F.qhead <= F.qtail do
        local head = F.qhead
        local node, msg = qnodes[head], qmsgs[head]
        qnodes[head], qmsgs[head] = nil, nil
        F.qhead = head + 1
        local ok, err = pcall(node.impl.input, node, msg)
        if not ok then report_error(node, msg, err) end
    end
    F.qhead, F.qtail = 1, 0
end

local function next_deadline()
    local best
    for timer in next, F.timers do
        if best == nil or timer.at < best then best = timer.at end
    end
    return best
end

-- Fires every timer due at or before `now`, in time order, each at its own due time.
local function run_timers(now)
    while true do
        local due
        for timer in next, F.timers do
            if timer.at <= now and (due == nil or timer.at < due.at or (timer.at == due.at and timer.seq < due.seq)) then
                due = timer
            end
        end
        if due == nil then break end
        F.timers[due] = nil
        if due.at > F.now then F.now = due.at end
        local ok, err = pcall(due.fn)
        if not ok then report_error(due.node, nil, err) end
        drain()
    end
    if now > F.now then F.now = now end
end

local function begin(now)
    F.outbox = {}
    F.activations = 0
    F.qhead, F.qtail = 1, 0
    F.qnodes, F.qmsgs = {}, {}
    run_timers(now)
end

local function finish()
    local outbox = F.outbox
    F.outbox = {}
    return outbox, next_deadline()
end

-- MARK: - Node types

local T = {} -- type name -> implementation { kind, params, ports, init, input }

-- Parameter spec: { type names separated by "|", required = bool, values = {allowed...}, default = v }
local function P(types, extra)
    local spec = extra or {}
    spec.types = types
    return spec
end

local NUM, STR, BOOL, TAB, FUN, ANY = "number", "string", "boolean", "table", "function", "any"

local function number_of(value)
    if type(value) == "number" then return value end
    if type(value) == "boolean" then return value and 1 or 0 end
    return tonumber(value)
end

-- Per-topic state: every node that keys state on msg.topic uses this.
local function topic_state(node, msg)
    local key = node.params.per_topic == false and "" or tostring(msg.topic or "")
    local state = node.state[key]
    if state == nil then
        state = {}
        node.state[key] = state
    end
    return state, key
end

-- MARK: - Shared with the other runtime chunks (nodes_*.lua, build.lua)

__flow_R = {
    F = F, T = T, P = P, where = where, global_get = global_get, global_set = global_set,
    MAX_DEPTH = MAX_DEPTH,
    deepcopy = deepcopy, getp = getp, setp = setp, render = render, equal = equal,
    emit = emit, send = send, new_msg = new_msg, report_error = report_error, set_status = set_status,
    add_timer = add_timer, cancel_timer = cancel_timer, drain = drain, next_deadline = next_deadline,
    run_timers = run_timers, begin = begin, finish = finish, number_of = number_of, topic_state = topic_state,
}
