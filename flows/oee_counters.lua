-- Good/bad counters per class, published as a measurement every 10 seconds:
-- the numbers an OEE dashboard needs (counts per interval, then reset).
local BAD = { scratch = true, dent = true }

return flow {
  name = "oee-counters",
  nodes = {
    parts = verdict {},
    count = func { outputs = 0, on_message = function(msg, ctx)
      local c = ctx.flow.counts or { good = 0, bad = 0 }
      local label = msg.verdict.label
      if BAD[label] then c.bad = c.bad + 1 else c.good = c.good + 1 end
      c[label] = (c[label] or 0) + 1
      ctx.flow.counts = c
      -- nothing to send: the interval publishes
    end },
    every = interval { every = 10 },
    snapshot = func(function(msg, ctx)
      local c = ctx.flow.counts or { good = 0, bad = 0 }
      ctx.flow.counts = { good = 0, bad = 0 }
      msg.payload = c
      return msg
    end),
    publish = measurement { series = "parts" },
  },
  wires = { "parts -> count", "every -> snapshot -> publish" },
}
