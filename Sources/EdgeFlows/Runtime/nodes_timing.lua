-- EdgeMLOps flow runtime: time-based nodes (debounce, rate_limit, delay, trigger, window, smooth).

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
