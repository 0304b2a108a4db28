-- EdgeMLOps flow runtime: the function node (user Lua with send, done, context, log).

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

local global_get, global_set = R.global_get, R.global_set
local tpack = table.pack

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
        -- table.pack keeps the count: `return nil, msg` has a hole that `#` may not see past.
        local results = tpack(node.params.on_message(msg, ctx))
        for i = 1, results.n do
            if results[i] ~= nil then send(node, results[i], i) end
        end
    end,
}
