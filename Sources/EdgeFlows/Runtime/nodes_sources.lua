-- EdgeMLOps flow runtime: source nodes (verdict, command, inject, interval, startup, catch, status).

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

-- Sources--------------------------------------------------------------------------

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

-- Faster timers would only burn the flow's budget (and on a Pi, the SD card via logs).
local MIN_EVERY = 0.01
local function check_every(p, fail)
    if type(p.every) == "number" and p.every < MIN_EVERY then
        fail("every must be at least " .. MIN_EVERY .. " s, got " .. tostring(p.every))
    end
end

T.inject = {
    kind = "source",
    check = check_every,
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
    check = check_every,
    start = schedule_every,
}

T.startup = {
    kind = "source",
    doc = "one message when the flow starts",
    params = { payload = P(ANY), topic = P(STR) },
    start = function(node) send(node, new_msg({ payload = deepcopy(node.params.payload), topic = node.params.topic })) end,
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
