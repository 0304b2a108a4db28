-- EdgeMLOps flow runtime: routing and shaping nodes (switch, change, range, threshold, filter).

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
