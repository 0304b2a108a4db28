-- Benchmark flow: six nodes, one of them a function node (docs/BENCHMARKS.md, "Flows").
return flow {
  name = "bench-six-nodes",
  nodes = {
    verdicts = verdict {},
    confident = switch { property = "verdict.score", rules = { { ">=", 0.6, "sure" }, { "else", "unsure" } } },
    tag = change { rules = { { "set", "line", "L1" }, { "copy", "verdict.label", "label" } } },
    enrich = func(function(msg, ctx)
      ctx.context.n = (ctx.context.n or 0) + 1
      msg.payload = msg.label ~= "ok" and 1 or 0
      return msg
    end),
    rate = window { size = 100, op = "mean" },
    publish = measurement { series = "defect_rate" },
  },
  wires = { "verdicts -> confident.sure -> tag -> enrich -> rate -> publish" },
}
