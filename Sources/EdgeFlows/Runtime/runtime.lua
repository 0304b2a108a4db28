-- EdgeMLOps flow runtime: loaded into every flow's own Lua state before the flow file.
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
    outbox = {}, activations = 0, msgid = 0, queue = {}, qhead = 1, qtail = 0, started = false,
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
    F.qtail = F.qtail + 1
    F.queue[F.qtail] = { node, msg }
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
    local queue = F.queue
    while F.qhead <= F.qtail do
        local item = queue[F.qhead]
        queue[F.qhead] = nil
        F.qhead = F.qhead + 1
        local node, msg = item[1], item[2]
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
    F.queue = {}
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

-- Sources ------------------------------------------------------------------------------

T.verdict = {
    kind = "source",
    doc = "inference results",
    params = { model = P(STR), label = P(STR .. "|" .. TAB) },
    accepts = function(node, msg)
        local p, v = node.params, msg.verdict or {}
        if p.model ~= nil and v.model ~= p.model then return false end
        if type(p.label) == "string" and v.label ~= p.label then return false end
        if type(p.label) == "table" then
            for _, l in ipairs(p.label) do if l == v.label then return true end end
            return false
        end
        return true
    end,
}

T.command = {
    kind = "source",
    doc = "commands for this service",
    params = { name = P(STR) },
    accepts = function(node, msg)
        return node.params.name == nil or msg.topic == node.params.name
    end,
}

local function inject_msg(node)
    local p = node.params
    return new_msg({ payload = deepcopy(p.payload == nil and F.now or p.payload), topic = p.topic })
end

local function schedule_every(node)
    local every = node.params.every
    if every == nil then return end
    local function fire()
        node.next_at = node.next_at + every
        add_timer(node, node.next_at, fire)
        send(node, inject_msg(node))
    end
    node.next_at = F.now + every
    add_timer(node, node.next_at, fire)
end

T.inject = {
    kind = "source",
    doc = "a fixed message at start and/or every N seconds",
    params = { payload = P(ANY), topic = P(STR), once = P(BOOL), every = P(NUM, { positive = true }) },
    start = function(node)
        if node.params.once then send(node, inject_msg(node)) end
        schedule_every(node)
    end,
}

T.interval = {
    kind = "source",
    doc = "a message every N seconds",
    params = { every = P(NUM, { required = true, positive = true }), payload = P(ANY), topic = P(STR) },
    start = schedule_every,
}

T.startup = {
    kind = "source",
    doc = "one message when the flow starts",
    params = { payload = P(ANY), topic = P(STR) },
    start = function(node) send(node, new_msg({ payload = deepcopy(node.params.payload), topic = node.params.topic })) end,
}

-- Routing and shaping -------------------------------------------------------------------

local SWITCH_OPS = {
    ["=="] = function(v, a) return v == a end,
    ["~="] = function(v, a) return v ~= a end,
    ["<"] = function(v, a) v = number_of(v) return v ~= nil and v < a end,
    ["<="] = function(v, a) v = number_of(v) return v ~= nil and v <= a end,
    [">"] = function(v, a) v = number_of(v) return v ~= nil and v > a end,
    [">="] = function(v, a) v = number_of(v) return v ~= nil and v >= a end,
    between = function(v, a) v = number_of(v) return v ~= nil and v >= a[1] and v <= a[2] end,
    ["in"] = function(v, a) for _, x in ipairs(a) do if x == v then return true end end return false end,
    contains = function(v, a) return type(v) == "string" and sfind(v, a, 1, true) ~= nil end,
    match = function(v, a) return type(v) == "string" and sfind(v, a) ~= nil end,
    type = function(v, a) return type(v) == a end,
    ["true"] = function(v) return v == true end,
    ["false"] = function(v) return v == false end,
    ["nil"] = function(v) return v == nil end,
    ["else"] = function() return true end,
}

local function rule_port(rule, i) return rule.port or tostring(i) end

T.switch = {
    kind = "node",
    doc = "route by rules on one property",
    params = {
        property = P(STR, { default = "payload" }),
        rules = P(TAB, { required = true }),
        all = P(BOOL),
    },
    check = function(p, fail)
        for i, r in ipairs(p.rules) do
            if type(r) ~= "table" then fail("rules[" .. i .. "] must be a table like { \">\", 0.5, \"high\" }") 
            else
                local op = r[1]
                if SWITCH_OPS[op] == nil and op ~= "label" then
                    fail("rules[" .. i .. "]: unknown operator '" .. tostring(op) .. "'")
                elseif op == "between" and (type(r[2]) ~= "table" or type(r[2][1]) ~= "number" or type(r[2][2]) ~= "number") then
                    fail("rules[" .. i .. "]: 'between' needs { lo, hi }")
                elseif (op == "<" or op == "<=" or op == ">" or op == ">=") and type(r[2]) ~= "number" then
                    fail("rules[" .. i .. "]: '" .. op .. "' needs a number, got " .. type(r[2]))
                elseif (op == "in" or op == "label") and type(r[2]) ~= "table" and type(r[2]) ~= "string" then
                    fail("rules[" .. i .. "]: '" .. op .. "' needs a list of values")
                end
                local has_value = not (op == "else" or op == "true" or op == "false" or op == "nil")
                local port = has_value and r[3] or r[2]
                if port ~= nil and type(port) ~= "string" then fail("rules[" .. i .. "]: the output name must be a string") end
            end
        end
    end,
    ports = function(p)
        local ports = {}
        for i, r in ipairs(p.rules) do
            if type(r) == "table" then
                local op = r[1]
                local has_value = not (op == "else" or op == "true" or op == "false" or op == "nil")
                ports[#ports + 1] = (has_value and r[3] or r[2]) or tostring(i)
            end
        end
        return ports
    end,
    init = function(node)
        node.compiled = {}
        for i, r in ipairs(node.params.rules) do
            local op, arg = r[1], r[2]
            local property = node.params.property
            if op == "label" then
                op, property = "in", "verdict.label"
                if type(arg) == "string" then arg = { arg } end
            elseif op == "in" and type(arg) == "string" then
                arg = { arg }
            end
            node.compiled[i] = { test = SWITCH_OPS[op], arg = arg, property = property, port = node.ports[i] }
        end
    end,
    input = function(node, msg)
        local sent = false
        for _, rule in ipairs(node.compiled) do
            if rule.test(getp(msg, rule.property), rule.arg) then
                send(node, sent and deepcopy(msg) or msg, rule.port)
                sent = true
                if not node.params.all then return end
            end
        end
    end,
}

T.change = {
    kind = "node",
    doc = "set, copy, move or delete properties",
    params = { rules = P(TAB, { required = true }) },
    check = function(p, fail)
        for i, r in ipairs(p.rules) do
            local op = type(r) == "table" and r[1]
            if op ~= "set" and op ~= "copy" and op ~= "move" and op ~= "delete" then
                fail("rules[" .. i .. "]: expected { \"set\"|\"copy\"|\"move\"|\"delete\", property, ... }")
            elseif type(r[2]) ~= "string" then
                fail("rules[" .. i .. "]: the property must be a string like \"payload.value\"")
            elseif (op == "copy" or op == "move") and type(r[3]) ~= "string" then
                fail("rules[" .. i .. "]: '" .. op .. "' needs a target property")
            end
        end
    end,
    input = function(node, msg)
        for _, r in ipairs(node.params.rules) do
            local op, path = r[1], r[2]
            if op == "set" then
                setp(msg, path, deepcopy(r[3]))
            elseif op == "delete" then
                setp(msg, path, nil)
            else
                local value = getp(msg, path)
                if op == "move" then setp(msg, path, nil) else value = deepcopy(value) end
                setp(msg, r[3], value)
            end
        end
        send(node, msg)
    end,
}

T.range = {
    kind = "node",
    doc = "scale a number from one range to another",
    params = {
        property = P(STR, { default = "payload" }),
        from = P(TAB, { required = true }),
        to = P(TAB, { required = true }),
        mode = P(STR, { values = { "scale", "clamp", "wrap" }, default = "scale" }),
        round = P(BOOL),
    },
    check = function(p, fail)
        for _, k in ipairs({ "from", "to" }) do
            local r = p[k]
            if type(r[1]) ~= "number" or type(r[2]) ~= "number" or r[1] == r[2] then
                fail(k .. " must be { low, high } with two different numbers")
            end
        end
    end,
    input = function(node, msg)
        local p = node.params
        local v = number_of(getp(msg, p.property))
        if v == nil then error("range: " .. p.property .. " is not a number", 0) end
        local a, b, c, d = p.from[1], p.from[2], p.to[1], p.to[2]
        local out = (v - a) / (b - a) * (d - c) + c
        local lo, hi = mmin(c, d), mmax(c, d)
        if p.mode == "clamp" then
            out = mmin(mmax(out, lo), hi)
        elseif p.mode == "wrap" then
            out = lo + (out - lo) % (hi - lo)
        end
        if p.round then out = mfloor(out + 0.5) end
        setp(msg, p.property, out)
        send(node, msg)
    end,
}

T.threshold = {
    kind = "node",
    doc = "high/low state with hysteresis; sends only on a change",
    params = {
        property = P(STR, { default = "payload" }),
        above = P(NUM, { required = true }),
        below = P(NUM, { required = true }),
        per_topic = P(BOOL),
    },
    ports = { "1", "high", "low" },
    check = function(p, fail)
        if type(p.above) == "number" and type(p.below) == "number" and p.below > p.above then
            fail("below (" .. p.below .. ") must not exceed above (" .. p.above .. ")")
        end
    end,
    input = function(node, msg)
        local p = node.params
        local v = number_of(getp(msg, p.property))
        if v == nil then error("threshold: " .. p.property .. " is not a number", 0) end
        local state = topic_state(node, msg)
        local new
        if state.level ~= "high" and v > p.above then
            new = "high"
        elseif state.level ~= "low" and v < p.below and state.level ~= nil then
            new = "low"
        elseif state.level == nil and v <= p.above then
            state.level = "low" -- starting below: no event, nothing to clear
        end
        if new then
            state.level = new
            msg.state = new
            send(node, deepcopy(msg), new)
            send(node, msg)
            set_status(node, { fill = new == "high" and "red" or "green", text = new })
        end
    end,
}

T.filter = {
    kind = "node",
    doc = "report by exception: pass on change, or beyond a deadband",
    params = {
        property = P(STR, { default = "payload" }),
        mode = P(STR, { values = { "rbe", "rbei", "deadband", "deadbandEq", "narrowband", "narrowbandEq" }, default = "rbe" }),
        gap = P(NUM),
        percent = P(BOOL),
        compare = P(STR, { values = { "output", "input" }, default = "output" }),
        per_topic = P(BOOL),
    },
    check = function(p, fail)
        if p.mode ~= "rbe" and p.mode ~= "rbei" and p.mode ~= nil and type(p.gap) ~= "number" then
            fail("mode '" .. p.mode .. "' needs a numeric gap")
        end
    end,
    input = function(node, msg)
        local p = node.params
        local state = topic_state(node, msg)
        if msg.reset then
            if p.per_topic == false or msg.topic == nil then node.state = {} else state.has = nil end
            return
        end
        local v = getp(msg, p.property)
        if p.mode == "rbe" or p.mode == "rbei" then
            if not state.has then
                state.has, state.last = true, deepcopy(v)
                if p.mode == "rbe" then send(node, msg) end
                return
            end
            if not equal(v, state.last) then
                state.last = deepcopy(v)
                send(node, msg)
            end
            return
        end
        local n = number_of(v)
        if n == nil then error("filter: " .. p.property .. " is not a number", 0) end
        if not state.has then
            state.has, state.last = true, n
            if sfind(p.mode, "^deadband") then send(node, msg) end
            return
        end
        local gap = p.gap
        if p.percent then gap = mabs(state.last * gap / 100) end
        local delta = mabs(n - state.last)
        local pass
        if p.mode == "deadband" then pass = delta > gap
        elseif p.mode == "deadbandEq" then pass = delta >= gap
        elseif p.mode == "narrowband" then pass = delta < gap
        else pass = delta <= gap end
        if p.compare == "input" then state.last = n end
        if pass then
            if p.compare ~= "input" then state.last = n end
            send(node, msg)
        end
    end,
}

T.debounce = {
    kind = "node",
    doc = "send the last message after a quiet period",
    params = { time = P(NUM, { required = true, positive = true }), leading = P(BOOL), per_topic = P(BOOL) },
    input = function(node, msg)
        local state = topic_state(node, msg)
        local p = node.params
        if p.leading then
            if state.timer == nil then send(node, msg) end
            cancel_timer(state.timer)
            state.timer = add_timer(node, F.now + p.time, function() state.timer = nil end)
            return
        end
        cancel_timer(state.timer)
        state.timer = add_timer(node, F.now + p.time, function()
            state.timer = nil
            send(node, msg)
        end)
    end,
}

T.rate_limit = {
    kind = "node",
    doc = "at most `rate` messages per `per` seconds; drop or queue the rest",
    params = {
        rate = P(NUM, { required = true, positive = true }),
        per = P(NUM, { default = 1, positive = true }),
        drop = P(BOOL, { default = true }),
        queue_limit = P(NUM, { default = 100, positive = true }),
        per_topic = P(BOOL),
    },
    input = function(node, msg)
        local p = node.params
        local state = topic_state(node, msg)
        state.sent = state.sent or {}
        local sent = state.sent
        while #sent > 0 and sent[1] <= F.now - p.per do tremove(sent, 1) end
        if #sent < p.rate then
            sent[#sent + 1] = F.now
            send(node, msg)
            return
        end
        if p.drop then return end
        state.queue = state.queue or {}
        if #state.queue >= p.queue_limit then
            error("rate_limit: queue full (" .. p.queue_limit .. " messages)", 0)
        end
        state.queue[#state.queue + 1] = msg
        if state.timer == nil then
            local function release()
                state.timer = nil
                while #sent > 0 and sent[1] <= F.now - p.per do tremove(sent, 1) end
                while #state.queue > 0 and #sent < p.rate do
                    sent[#sent + 1] = F.now
                    send(node, tremove(state.queue, 1))
                end
                if #state.queue > 0 then state.timer = add_timer(node, sent[1] + p.per, release) end
            end
            state.timer = add_timer(node, sent[1] + p.per, release)
        end
    end,
}

T.delay = {
    kind = "node",
    doc = "delay every message by `time` seconds",
    params = { time = P(NUM, { required = true, positive = true }) },
    input = function(node, msg)
        add_timer(node, F.now + node.params.time, function() send(node, msg) end)
    end,
}

T.trigger = {
    kind = "node",
    doc = "send one message, then another after a time unless extended or reset",
    params = {
        send = P(ANY),
        ["then"] = P(ANY),
        after = P(NUM, { required = true, positive = true }),
        extend = P(BOOL),
        per_topic = P(BOOL),
    },
    input = function(node, msg)
        local p = node.params
        local state = topic_state(node, msg)
        if msg.reset then
            cancel_timer(state.timer)
            state.timer = nil
            return
        end
        local function arm()
            state.timer = add_timer(node, F.now + p.after, function()
                state.timer = nil
                if p["then"] ~= nil then
                    local m = deepcopy(msg)
                    m.payload = deepcopy(p["then"])
                    send(node, m)
                end
            end)
        end
        if state.timer == nil then
            local first = deepcopy(msg)
            if p.send ~= nil then first.payload = deepcopy(p.send) end
            send(node, first)
            arm()
        elseif p.extend then
            cancel_timer(state.timer)
            arm()
        end
    end,
}

local WINDOW_OPS = { "count", "sum", "mean", "min", "max", "rate", "defect_ratio" }

T.window = {
    kind = "node",
    doc = "statistics over the last N messages or the last N seconds",
    params = {
        mode = P(STR, { values = { "count", "time" }, default = "count" }),
        size = P(NUM, { required = true, positive = true }),
        op = P(STR, { values = WINDOW_OPS, default = "mean" }),
        property = P(STR, { default = "payload" }),
        bad = P(TAB),
        emit = P(STR, { values = { "every", "full", "tumbling" }, default = "every" }),
        per_topic = P(BOOL),
    },
    check = function(p, fail)
        if p.op == "defect_ratio" and p.bad == nil then fail("op 'defect_ratio' needs bad = { labels... }") end
    end,
    init = function(node)
        node.bad = {}
        for _, label in ipairs(node.params.bad or {}) do node.bad[label] = true end
    end,
    input = function(node, msg)
        local p = node.params
        local state = topic_state(node, msg)
        local items = state.items or {}
        state.items = items
        local value
        if p.op == "defect_ratio" then
            local label = getp(msg, "verdict.label")
            if label == nil then label = getp(msg, p.property) end
            value = node.bad[label] and 1 or 0
        elseif p.op == "count" or p.op == "rate" then
            value = 1
        else
            value = number_of(getp(msg, p.property))
            if value == nil then error("window: " .. p.property .. " is not a number", 0) end
        end
        -- items[head..tail] is the window; sum is kept running so mean/rate/ratio cost O(1).
        state.head = state.head or 1
        state.sum = (state.sum or 0) + value
        local tail = (state.tail or 0) + 1
        state.tail = tail
        items[tail] = { t = F.now, v = value }
        local function drop()
            state.sum = state.sum - items[state.head].v
            items[state.head] = nil
            state.head = state.head + 1
        end
        if p.mode == "count" then
            while tail - state.head + 1 > p.size do drop() end
        else
            while state.head <= tail and items[state.head].t <= F.now - p.size do drop() end
        end
        local full = p.mode == "count" and tail - state.head + 1 >= p.size
            or (p.mode == "time" and state.first ~= nil and F.now - state.first >= p.size)
        state.first = state.first or F.now
        if (p.emit == "full" or p.emit == "tumbling") and not full then return end
        local first, n, sum = state.head, tail - state.head + 1, state.sum
        local lo, hi = mhuge, -mhuge
        if p.op == "min" or p.op == "max" then
            for i = first, tail do
                local v = items[i].v
                if v < lo then lo = v end
                if v > hi then hi = v end
            end
        end
        local result
        if p.op == "count" then result = n
        elseif p.op == "sum" then result = sum
        elseif p.op == "mean" or p.op == "defect_ratio" then result = sum / n
        elseif p.op == "min" then result = lo
        elseif p.op == "max" then result = hi
        else
            local span = p.mode == "time" and p.size or (items[tail].t - items[first].t)
            result = span > 0 and n / span or 0
        end
        msg.payload = result
        msg.window = { n = n, op = p.op, mode = p.mode, size = p.size }
        if p.emit == "tumbling" then
            state.items, state.first, state.head, state.tail, state.sum = {}, nil, 1, 0, 0
        end
        send(node, msg)
    end,
}

T.smooth = {
    kind = "node",
    doc = "running mean, min, max, standard deviation, or low/high-pass filter",
    params = {
        property = P(STR, { default = "payload" }),
        op = P(STR, { values = { "mean", "min", "max", "sd", "low", "high" }, default = "mean" }),
        count = P(NUM, { required = true, positive = true }),
        per_topic = P(BOOL),
    },
    input = function(node, msg)
        local p = node.params
        local v = number_of(getp(msg, p.property))
        if v == nil then error("smooth: " .. p.property .. " is not a number", 0) end
        local state = topic_state(node, msg)
        local out
        if p.op == "low" or p.op == "high" then
            state.avg = state.avg == nil and v or state.avg + (v - state.avg) / p.count
            out = p.op == "low" and state.avg or v - state.avg
        else
            local items = state.items or {}
            state.items = items
            items[#items + 1] = v
            while #items > p.count do tremove(items, 1) end
            local n, sum, lo, hi = #items, 0, mhuge, -mhuge
            for i = 1, n do
                sum = sum + items[i]
                lo, hi = mmin(lo, items[i]), mmax(hi, items[i])
            end
            if p.op == "mean" then out = sum / n
            elseif p.op == "min" then out = lo
            elseif p.op == "max" then out = hi
            else
                local mean, sq = sum / n, 0
                for i = 1, n do sq = sq + (items[i] - mean) ^ 2 end
                out = msqrt(sq / n)
            end
        end
        setp(msg, p.property, out)
        send(node, msg)
    end,
}

local global_api = {
    get = function(key)
        if global_get then return global_get(key) end
        return deepcopy(F.global_fallback[key])
    end,
    set = function(key, value)
        if global_set then return global_set(key, value) end
        F.global_fallback[key] = deepcopy(value)
    end,
}

T["function"] = {
    kind = "node",
    doc = "custom Lua: on_message(msg, ctx) returns one message per output",
    params = { on_message = P(FUN, { required = true }), on_start = P(FUN), outputs = P(NUM, { default = 1 }) },
    check = function(p, fail)
        if mtype(p.outputs) ~= "integer" or p.outputs < 0 then
            fail("outputs must be a whole number of 0 or more, got " .. tostring(p.outputs))
        end
    end,
    ports = function(p)
        local ports = {}
        for i = 1, mfloor(p.outputs or 1) do ports[i] = tostring(i) end
        return ports
    end,
    init = function(node)
        local ctx = {
            node = { id = node.id, type = "function" },
            context = node.state,
            flow = F.flow_context,
            global = global_api,
            now = function() return F.now end,
            send = function(msg, port) send(node, msg, port) end,
            done = function(err) if err ~= nil then report_error(node, nil, err) end end,
            status = function(status) set_status(node, status) end,
        }
        local function logger(level)
            return function(...)
                local parts = {}
                for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
                emit(node, "log", { level = level, text = tconcat(parts, " ") })
            end
        end
        ctx.log, ctx.warn, ctx.error = logger("info"), logger("warning"), logger("error")
        node.ctx = ctx
    end,
    start = function(node)
        if node.params.on_start then
            local ok, err = pcall(node.params.on_start, node.ctx)
            if not ok then report_error(node, nil, err) end
        end
    end,
    input = function(node, msg)
        local ctx = node.ctx
        ctx.done = function(err) if err ~= nil then report_error(node, msg, err) end end
        local results = { node.params.on_message(msg, ctx) }
        for i = 1, mmax(#results, 0) do
            if results[i] ~= nil then send(node, results[i], i) end
        end
    end,
}

-- Error and status -------------------------------------------------------------------------

local function id_set(p, fail)
    if p.scope == nil then return end
    local set = {}
    for _, id in ipairs(p.scope) do
        if type(id) ~= "string" then fail("scope must list node ids") end
        set[id] = true
    end
    p.scope = set
end

T.catch = { kind = "source", doc = "errors from nodes of this flow", params = { scope = P(TAB) }, check = id_set }
T.status = { kind = "source", doc = "status changes of nodes of this flow", params = { scope = P(TAB) }, check = id_set }

-- Sinks --------------------------------------------------------------------------------------

local function sink(doc, params, build)
    return { kind = "sink", doc = doc, params = params, input = function(node, msg)
        local kind, fields = build(node, msg)
        if kind then emit(node, kind, fields, msg) end
    end }
end

T.measurement = sink("publish numbers as a measurement series", {
    series = P(STR, { required = true }),
    property = P(STR, { default = "payload" }),
    values = P(TAB),
    unit = P(STR),
}, function(node, msg)
    local p = node.params
    local values = {}
    if p.values then
        for name, path in pairs(p.values) do values[name] = number_of(getp(msg, path)) end
    else
        local v = getp(msg, p.property)
        if type(v) == "table" then
            for k, x in pairs(v) do if number_of(x) ~= nil then values[tostring(k)] = number_of(x) end end
        elseif number_of(v) ~= nil then
            values[p.series] = number_of(v)
        else
            error("measurement: " .. p.property .. " is neither a number nor a table of numbers", 0)
        end
    end
    return "measurement", { series = p.series, values = values, unit = p.unit }
end)

T.event = sink("publish an event", {
    type = P(STR, { required = true }),
    text = P(STR, { default = "{payload}" }),
}, function(node, msg)
    return "event", { type = node.params.type, text = render(node.params.text, msg) }
end)

T.alarm = sink("raise or clear an alarm; sends only on a change", {
    type = P(STR, { required = true }),
    severity = P(STR, { values = { "critical", "major", "minor", "warning" }, default = "major" }),
    text = P(STR, { default = "{payload}" }),
}, function(node, msg)
    local clear = msg.clear == true or msg.state == "low" or msg.payload == false
    if msg.severity ~= nil and type(msg.severity) ~= "string" then error("alarm: msg.severity must be a string", 0) end
    local active = not clear
    if node.active == active then return nil end
    node.active = active
    return "alarm", {
        type = node.params.type,
        action = active and "raise" or "clear",
        severity = msg.severity or node.params.severity,
        text = active and render(node.params.text, msg) or "",
    }
end)

T.twin = sink("update a digital-twin fragment", {
    fragment = P(STR, { required = true }),
    property = P(STR, { default = "payload" }),
}, function(node, msg)
    return "twin", { fragment = node.params.fragment, value = deepcopy(getp(msg, node.params.property)) }
end)

T.sample = sink("keep this frame for upload", { reason = P(STR, { default = "sample" }) }, function(node, msg)
    local v, f = msg.verdict or {}, msg.frame or {}
    return "sample", { reason = node.params.reason, frame = f.id, label = v.label, score = v.score, model = v.model }
end)

T.capture = sink("request a capture", { reason = P(STR, { default = "flow" }) }, function(node, msg)
    return "capture", { reason = node.params.reason }
end)

T.signal = sink("send a command to the line (stop, reject, light)", {
    name = P(STR, { required = true }),
    property = P(STR, { default = "payload" }),
}, function(node, msg)
    return "signal", { name = node.params.name, value = deepcopy(getp(msg, node.params.property)) }
end)

local function log_sink(kind)
    return sink("write to the agent log", {
        level = P(STR, { values = { "debug", "info", "warning", "error" }, default = kind == "debug" and "debug" or "info" }),
        property = P(STR, { default = "payload" }),
        text = P(STR),
    }, function(node, msg)
        local p = node.params
        local text = p.text and render(p.text, msg) or nil
        return kind, { level = p.level, text = text, value = text == nil and deepcopy(getp(msg, p.property)) or nil }
    end)
end
T.log = log_sink("log")
T.debug = log_sink("debug")

-- MARK: - Checking and building a flow

local NODE_MARK = setmetatable({}, { __mode = "k" })

local function types_match(value, spec)
    for t in spec.types:gmatch("[^|]+") do
        if t == "any" or type(value) == t then return true end
    end
    return false
end

local function closest(name, candidates)
    local best, best_score
    for candidate in pairs(candidates) do
        local score = 0
        local shorter = mmin(#name, #candidate)
        for i = 1, shorter do if ssub(name, i, i) == ssub(candidate, i, i) then score = score + 1 end end
        score = score - mabs(#name - #candidate)
        if score > 0 and (best_score == nil or score > best_score) then best, best_score = candidate, score end
    end
    return best
end

local function sorted_keys(t)
    local keys = {}
    for k in pairs(t) do keys[#keys + 1] = k end
    tsort(keys, function(a, b) return tostring(a) < tostring(b) end)
    return keys
end

local function parse_endpoint(text)
    local id, port = smatch(text, "^%s*([%a_][%w_]*)%.([%w_]+)%s*$")
    if id then return id, port end
    id = smatch(text, "^%s*([%a_][%w_]*)%s*$")
    return id, nil
end

local function wire_text(wire)
    if type(wire) == "string" then return wire end
    if type(wire) == "table" then return tostring(wire[1]) .. " -> " .. tostring(wire[2]) end
    return tostring(wire)
end

-- Returns a list of diagnostics { severity, line, node, message }; builds F on success.
local function build(def, flow_line)
    local diags = {}
    local function add(severity, line, node, message)
        diags[#diags + 1] = { severity = severity, line = line or flow_line, node = node, message = message }
    end
    if type(def) ~= "table" then
        add("error", nil, nil, "the flow file must return a table { nodes = {...}, wires = {...} }, got " .. type(def))
        return diags
    end
    for key in pairs(def) do
        if key ~= "name" and key ~= "nodes" and key ~= "wires" and key ~= "description" then
            add("error", nil, nil, "unknown flow field '" .. tostring(key) .. "' (expected name, description, nodes, wires)")
        end
    end
    if def.name ~= nil and type(def.name) ~= "string" then add("error", nil, nil, "name must be a string") end
    if type(def.nodes) ~= "table" then
        add("error", nil, nil, "nodes must be a table of id = node { ... }")
        return diags
    end
    local wires = def.wires or {}
    if type(wires) ~= "table" then add("error", nil, nil, "wires must be a list like { \"a -> b\" }") wires = {} end

    local nodes, order = {}, sorted_keys(def.nodes)
    for _, id in ipairs(order) do
        local n = def.nodes[id]
        if type(id) ~= "string" or not smatch(id, "^[%a_][%w_]*$") then
            add("error", nil, tostring(id), "node id '" .. tostring(id) .. "' must be a name (letters, digits, _)")
        elseif type(n) ~= "table" or not NODE_MARK[n] then
            add("error", nil, id, "node '" .. id .. "' is not a node; write it as " .. id .. " = switch { ... } or another node type")
        else
            local impl = T[n.type]
            local p = n.params
            local function fail(message) add("error", n.line, id, id .. " (" .. n.type .. "): " .. message) end
            for key, value in pairs(p) do
                local spec = impl.params[key]
                if spec == nil then
                    local guess = closest(tostring(key), impl.params)
                    fail("unknown parameter '" .. tostring(key) .. "'" .. (guess and (" (did you mean '" .. guess .. "'?)") or ""))
                elseif not types_match(value, spec) then
                    fail("parameter '" .. key .. "' must be a " .. spec.types .. ", got " .. type(value))
                elseif spec.values then
                    local ok = false
                    for _, allowed in ipairs(spec.values) do if allowed == value then ok = true end end
                    if not ok then fail("parameter '" .. key .. "' must be one of " .. tconcat(spec.values, ", ") .. ", got '" .. tostring(value) .. "'") end
                elseif spec.positive and value <= 0 then
                    fail("parameter '" .. key .. "' must be positive, got " .. tostring(value))
                end
            end
            local before = #diags
            for key, spec in pairs(impl.params) do
                if p[key] == nil then
                    if spec.required then fail("missing required parameter '" .. key .. "'")
                    elseif spec.default ~= nil then p[key] = spec.default end
                end
            end
            if #diags == before and impl.check then impl.check(p, fail) end
            if #diags == before then
                local ports = impl.ports
                if type(ports) == "function" then ports = ports(p) end
                if impl.kind == "sink" then ports = {} end
                ports = ports or { "1" }
                local port_set = {}
                for _, port in ipairs(ports) do port_set[port] = true end
                nodes[id] = {
                    id = id, type = n.type, params = p, impl = impl, line = n.line,
                    ports = ports, port_set = port_set, out = {}, state = {}, incoming = 0,
                }
            else
                nodes[id] = false
            end
        end
    end

    local edges = {}
    for index, wire in ipairs(wires) do
        local chain = {}
        if type(wire) == "string" then
            local pos = 1
            while true do
                local s, e = sfind(wire, "->", pos, true)
                chain[#chain + 1] = ssub(wire, pos, s and s - 1 or #wire)
                if not s then break end
                pos = e + 1
            end
        elseif type(wire) == "table" and type(wire[1]) == "string" and type(wire[2]) == "string" then
            chain = { wire[1], wire[2] }
        else
            add("error", nil, nil, "wires[" .. index .. "] must be a string like \"a -> b\" or { \"a.port\", \"b\" }")
        end
        if #chain == 1 then add("error", nil, nil, "wires[" .. index .. "] \"" .. tostring(wire) .. "\" has no '->'") end
        for i = 1, #chain - 1 do
            local from, port = parse_endpoint(chain[i])
            local to, to_port = parse_endpoint(chain[i + 1])
            local label = "wires[" .. index .. "] \"" .. wire_text(wire) .. "\""
            if from == nil then add("error", nil, nil, label .. ": '" .. chain[i] .. "' is not a node name")
            elseif to == nil then add("error", nil, nil, label .. ": '" .. chain[i + 1] .. "' is not a node name")
            elseif nodes[from] == nil then add("error", nil, nil, label .. ": unknown node '" .. from .. "' (dangling wire)")
            elseif nodes[to] == nil then add("error", nil, nil, label .. ": unknown node '" .. to .. "' (dangling wire)")
            elseif nodes[from] and nodes[to] then
                local a, b = nodes[from], nodes[to]
                if i > 1 then port = nil end
                if i + 1 < #chain then to_port = nil end
                if i > 1 then
                    -- In "a -> b.p -> c", ".p" names b's output port toward c.
                    local _, p2 = parse_endpoint(chain[i])
                    port = p2
                end
                port = port or "1"
                if port == "out" then port = "1" end
                if a.impl.kind == "sink" then
                    add("error", nil, from, label .. ": '" .. from .. "' is a " .. a.type .. " sink and has no outputs")
                elseif not a.port_set[port] then
                    add("error", a.line, from, label .. ": node '" .. from .. "' has no output '" .. port .. "' (outputs: " .. tconcat(a.ports, ", ") .. ")")
                elseif b.impl.kind == "source" then
                    add("error", nil, to, label .. ": '" .. to .. "' is a " .. b.type .. " source and takes no input")
                else
                    a.out[port] = a.out[port] or {}
                    tinsert(a.out[port], b)
                    b.incoming = b.incoming + 1
                    edges[#edges + 1] = { a, b }
                end
            end
        end
    end

    -- Reachability from sources, then cycles without a timer node to break them.
    local reached = {}
    local function visit(n)
        if reached[n] then return end
        reached[n] = true
        for _, targets in pairs(n.out) do for _, t in ipairs(targets) do visit(t) end end
    end
    for _, id in ipairs(order) do
        local n = nodes[id]
        if n and n.impl.kind == "source" then visit(n) end
    end
    for _, id in ipairs(order) do
        local n = nodes[id]
        if n and not reached[n] then
            add("warning", n.line, id, id .. " (" .. n.type .. "): unreachable: no wire leads to it from a source")
        end
        if n and n.impl.kind ~= "sink" and #n.ports > 0 and next(n.out) == nil and n.impl.kind ~= "source" then
            add("warning", n.line, id, id .. " (" .. n.type .. "): its output is not wired")
        end
    end
    local BREAKS = { delay = true, debounce = true, rate_limit = true, trigger = true }
    local color = {}
    local function dfs(n, path)
        color[n] = 1
        path[#path + 1] = n
        for _, targets in pairs(n.out) do
            for _, t in ipairs(targets) do
                if color[t] == 1 then
                    local cycle, timed = {}, false
                    local start = 1
                    for i = 1, #path do if path[i] == t then start = i end end
                    for i = start, #path do
                        cycle[#cycle + 1] = path[i].id
                        if BREAKS[path[i].type] then timed = true end
                    end
                    cycle[#cycle + 1] = t.id
                    add(timed and "warning" or "error", t.line, t.id, "wiring cycle " .. tconcat(cycle, " -> ") ..
                        (timed and " (broken by a timer node; make sure it ends)" or " could loop forever"))
                elseif color[t] == nil then
                    dfs(t, path)
                end
            end
        end
        path[#path] = nil
        color[n] = 2
    end
    for _, id in ipairs(order) do
        local n = nodes[id]
        if n and color[n] == nil then dfs(n, {}) end
    end

    for _, d in ipairs(diags) do if d.severity == "error" then return diags end end
    F.name = type(def.name) == "string" and def.name or F.name
    F.nodes, F.order = nodes, order
    F.catches, F.statuses = {}, {}
    for _, id in ipairs(order) do
        local n = nodes[id]
        if n.impl.init then n.impl.init(n) end
        if n.type == "catch" then F.catches[#F.catches + 1] = n end
        if n.type == "status" then F.statuses[#F.statuses + 1] = n end
    end
    return diags
end

-- MARK: - The flow file's environment

local function readonly_copy(lib)
    local copy = {}
    for k, v in pairs(lib) do copy[k] = v end
    return copy
end

local env = {
    assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall, xpcall = xpcall,
    select = select, tonumber = tonumber, tostring = tostring, type = type, rawequal = rawequal, rawlen = rawlen,
    rawget = rawget, rawset = rawset, setmetatable = setmetatable, getmetatable = getmetatable,
    collectgarbage = collectgarbage, _VERSION = _VERSION,
    string = readonly_copy(string), table = readonly_copy(table), math = readonly_copy(math), utf8 = readonly_copy(utf8),
}
env._G = env

for name in pairs(T) do
    local type_name = name
    local constructor = function(params)
        if type_name == "function" and type(params) == "function" then params = { on_message = params } end
        if params == nil then params = {} end
        if type(params) ~= "table" then
            error(type_name .. " { ... } expects a table of parameters, got " .. type(params), 2)
        end
        local _, line = where(2)
        local node = { type = type_name, params = params, line = line }
        NODE_MARK[node] = true
        return node
    end
    env[name == "function" and "func" or name] = constructor
end
env.flow = function(def)
    if type(def) ~= "table" then error("flow { ... } expects a table", 2) end
    local _, line = where(2)
    def.__line = line
    return def
end

__flow_env = env

-- MARK: - Host API (called from Swift)

function __flow_build(def, name, keep_messages)
    F.name = name
    F.keep_messages = keep_messages
    local line = nil
    if type(def) == "table" then
        line = def.__line
        def.__line = nil
    end
    return build(def, line)
end

function __flow_start(now)
    F.now = now
    begin(now)
    if not F.started then
        F.started = true
        for _, id in ipairs(F.order) do
            local n = F.nodes[id]
            if n.impl.start then
                local ok, err = pcall(n.impl.start, n)
                if not ok then report_error(n, nil, err) end
                drain()
            end
        end
    end
    return finish()
end

-- kind: "verdict" | "command"; msg: the message table built by the host.
function __flow_input(kind, msg, now)
    begin(now)
    local first = true
    for _, id in ipairs(F.order) do
        local n = F.nodes[id]
        if n.type == kind and n.impl.accepts(n, msg) then
            local m = first and msg or deepcopy(msg)
            first = false
            F.msgid = F.msgid + 1
            m._msgid = m._msgid or (F.name .. ":" .. F.msgid)
            send(n, m)
        end
    end
    drain()
    return finish()
end

function __flow_tick(now)
    begin(now)
    return finish()
end

function __flow_context_export() return F.flow_context end

function __flow_context_import(t)
    if type(t) ~= "table" then return end
    for k, v in pairs(t) do F.flow_context[k] = v end
end

-- Node catalogue for `flow check --nodes` and the docs: type -> { kind, doc, params }.
function __flow_catalogue()
    local out = {}
    for name, impl in pairs(T) do
        local params = {}
        for key, spec in pairs(impl.params) do
            params[key] = { types = spec.types, required = spec.required or false, default = spec.default, values = spec.values }
        end
        out[name] = { kind = impl.kind, doc = impl.doc, params = params }
    end
    return out
end

function __flow_name() return F.name end
