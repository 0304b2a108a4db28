/// The normalization pipeline that turns any supported ONNX model into the canonical IR.
extension Model {
    /// Options for ``normalized(inputShapes:options:)``.
    public struct NormalizationOptions: Sendable {
        /// Fold BatchNormalization into the preceding Conv/ConvTranspose/Gemm.
        public var foldBatchNormalization = true
        /// Remove Identity and inference-mode Dropout.
        public var removeIdentities = true
        /// Evaluate constant shape computations (Shape, Gather, Slice, Concat, Cast, ...) into initializers.
        public var foldConstants = true

        public init() {}
    }

    /// The model in canonical form: topologically sorted, shape-checked, Constant nodes as
    /// initializers, opset-dependent signatures rewritten to the opset-18 form, constant shape
    /// computations folded, Identity and Dropout removed, BatchNormalization folded, unused initializers dropped.
    ///
    /// - Throws: ``ONNXError`` with code `unsupportedOperator` for an operator we cannot run,
    ///   `shapeInference` for inconsistent shapes, `invalidModel` for a broken graph.
    public func normalized(
        inputShapes: [String: [Int]] = [:],
        options: NormalizationOptions = NormalizationOptions()
    ) throws(ONNXError) -> Model {
        var model = self
        model.graph = try model.graph.topologicallySorted()
        let types = try ShapeInference.infer(model, inputShapes: inputShapes)
        try model.constantsToInitializers()
        try model.canonicalizeOperatorForms(types: types)
        if options.foldConstants { try model.foldConstants(inputShapes: inputShapes) }
        if options.removeIdentities { model.removeIdentities() }
        if options.foldBatchNormalization { try model.foldBatchNormalization() }
        model.graph.pruneUnused()
        model.graph = try model.graph.topologicallySorted()
        return model
    }
}
