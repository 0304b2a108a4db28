/// One executable step: an operator (or a layout conversion the planner inserted).
struct Step: Sendable {
    /// The ONNX node name (or a synthesized one for conversions), for errors and profiles.
    var node: String
    /// The operator as it runs, e.g. `Conv`, `QLinearConv`, `Transpose(NHWC→NCHW)`.
    var opType: String
    var inputs: [Int]
    var outputs: [Int]
    var run: @Sendable (Frame) -> Void
}
