-- Keep frames the model is unsure about (score below 0.6) for labelling and retraining,
-- at most 2 per minute so a bad lighting day does not flood the upload queue.
return flow {
  name = "low-confidence-sample",
  nodes = {
    parts = verdict {},
    unsure = switch { property = "verdict.score", rules = { { "<", 0.6, "low" } } },
    budget = rate_limit { rate = 2, per = 60 },
    keep = sample { reason = "low_confidence" },
  },
  wires = { "parts -> unsure.low -> budget -> keep" },
}
