-- Defect-rate alarm: raise when more than 20% of the last 10 parts are defective,
-- clear automatically once the rate falls below 10% (hysteresis avoids flapping).
return flow {
  name = "defect-rate-alarm",
  nodes = {
    parts = verdict {},
    rate = window { size = 10, op = "defect_ratio", bad = { "scratch", "dent" } },
    level = threshold { above = 0.2, below = 0.1 },
    alarm_out = alarm {
      type = "defect_rate",
      severity = "major",
      text = "Defect rate {payload} over the last {window.n} parts",
    },
  },
  wires = { "parts -> rate -> level -> alarm_out" },
}
