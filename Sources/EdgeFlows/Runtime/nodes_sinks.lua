-- EdgeMLOps flow runtime: sink nodes (measurement, event, alarm, twin, sample, capture, signal, log, debug).

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
    return "sample", { reason = node.params.reason, frame = f.id, pipeline = f.pipeline, label = v.label, score = v.score, model = v.model }
end)

T.capture = sink("request a capture", {
    reason = P(STR, { default = "flow" }),
    pipeline = P(STR),
}, function(node, msg)
    -- The capture's id: msg.id, else the frame that caused it (a cascade from another pipeline).
    local id, f = msg.id, msg.frame
    local function text(v)
        local i = math.tointeger(v)
        return i and string.format("%d", i) or tostring(v)
    end
    if type(id) == "number" then id = text(id) end
    if type(id) ~= "string" and type(f) == "table" and f.id ~= nil then
        id = tostring(f.pipeline or "frame") .. "-" .. text(f.id)
    end
    if type(id) ~= "string" then id = nil end
    return "capture", { reason = node.params.reason, pipeline = node.params.pipeline, id = id }
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
