-- Stop the line after K consecutive defective parts; the `line_resume` command re-arms it.
local K = 3

return flow {
  name = "line-stop",
  nodes = {
    parts = verdict {},
    resume = command { name = "line_resume" },
    streak = func { outputs = 2, on_message = function(msg, ctx)
      local state = ctx.context
      if msg.topic == "line_resume" then
        state.run, state.stopped = 0, false
        msg.payload = false -- clears the alarm
        return nil, msg
      end
      if msg.verdict.label == "ok" then
        state.run = 0
        return
      end
      state.run = (state.run or 0) + 1
      if state.run >= K and not state.stopped then
        state.stopped = true
        msg.payload = state.run
        return msg, msg
      end
    end },
    stop = signal { name = "line_stop" },
    notify = alarm { type = "line_stopped", severity = "critical", text = "{payload} defective parts in a row" },
  },
  wires = { "parts -> streak", "resume -> streak", "streak.1 -> stop", "streak.1 -> notify", "streak.2 -> notify" },
}
