-- EdgeMLOps flow runtime: checking and building a flow, the flow file's environment, the host API.

local R = __flow_R
local F, T, P = R.F, R.T, R.P
local NUM, STR, BOOL, TAB, FUN, ANY = "number", "string", "boolean", "table", "function", "any"
local deepcopy, getp, setp, render, equal = R.deepcopy, R.getp, R.setp, R.render, R.equal
local emit, send, new_msg, report_error, set_status = R.emit, R.send, R.new_msg, R.report_error, R.set_status
local add_timer, cancel_timer, drain = R.add_timer, R.cancel_timer, R.drain
local number_of, topic_state = R.number_of, R.topic_state
local type, pairs, ipairs, next, tostring, tonumber, error, pcall, select, setmetatable, rawequal =
    type, pairs, ipairs, next, tostring, tonumber, error, pcall, select, setmetatable, rawequal
local sfind, sformat, sgsub, ssub, smatch = string.find, string.format, string.gsub, string.sub, string.match
local tinsert, tremove, tconcat, tsort, tunpack = table.insert, table.remove, table.concat, table.sort, table.unpack
local mabs, mfloor, msqrt, mhuge, mmin, mmax = math.abs, math.floor, math.sqrt, math.huge, math.min, math.max
local mtype = math.type

local where, begin, finish = R.where, R.begin, R.finish
local MAX_DEPTH = R.MAX_DEPTH

-- MARK: - Checking and building a flow

local NODE_MARK = setmetatable({}, { __mode = "k" })

local function types_match(value, spec)
    for t in spec.types:gmatch("[^|]+") do
        if t == "any" or type(value) == t then return true end
    end
    return false
end

-- Levenshtein distance, for "did you mean" on short names.
local function distance(a, b)
    local previous = {}
    for j = 0, #b do previous[j] = j end
    for i = 1, #a do
        local current = { [0] = i }
        for j = 1, #b do
            local cost = ssub(a, i, i) == ssub(b, j, j) and 0 or 1
            current[j] = mmin(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        end
        previous = current
    end
    return previous[#b]
end

-- The candidate nearest to `name`, if it is near enough to be a plausible typo.
local function closest(name, candidates)
    local best, best_distance
    for candidate in pairs(candidates) do
        if type(candidate) == "string" then
            local d = distance(name, candidate)
            if d <= mmax(2, #name // 3) and (best_distance == nil or d < best_distance
                or (d == best_distance and candidate < best)) then
                best, best_distance = candidate, d
            end
        end
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
            -- A node's own check runs only on parameters that passed the generic checks.
            local before = #diags
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

-- Reading a name that does not exist is almost always a typo (`theshold { }`) or a library
-- that is not available (`os.time()`): say so instead of "attempt to call a nil value".
local env_names = {}
for name in pairs(env) do env_names[name] = true end
setmetatable(env, {
    __index = function(_, name)
        local guess = type(name) == "string" and closest(name, env_names) or nil
        error("unknown name '" .. tostring(name) .. "': not a node type or an available library"
            .. (guess and (" (did you mean '" .. guess .. "'?)") or ""), 2)
    end,
})

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
    local diagnostics = build(def, line)
    return diagnostics, F.name
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

-- Node catalogue for `edgemlops flow check --nodes`: type -> { kind, doc, params }.
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


-- MARK: - Seal

-- The internals were only for the chunks above; nothing else may reach them.
__flow_R = nil
-- Any later read of an undefined global in the runtime is a bug: fail loudly instead of using nil.
setmetatable(_G, {
    __index = function(_, name) error("flow runtime: undefined global '" .. tostring(name) .. "'", 2) end,
    __newindex = function(_, name) error("flow runtime: cannot create global '" .. tostring(name) .. "'", 2) end,
})
