import CKernels

/// A model compiled for execution: normalized and fused graph, weights reordered and packed
/// once, every step bound to its kernel, and a static memory plan.
///
/// Immutable and `Sendable`: load once, then create one ``InferenceSession`` per thread (each
/// owns its arena). Running sessions concurrently is safe; one session must not be used by two
/// threads at once.
public final class CompiledModel: Sendable {
    /// Graph inputs the caller feeds, with their static shapes (ONNX layout).
    public let inputs: [TensorType]
    public let inputNames: [String]
    /// Graph outputs, ONNX layout.
    public let outputs: [TensorType]
    public let outputNames: [String]
    /// Bytes of one session's arena.
    public let arenaBytes: Int
    /// Bytes of constants (copied, reordered and packed weights) shared by all sessions.
    public let constantBytes: Int
    /// Number of steps and which operators they run, in order.
    public var stepOperators: [String] { steps.map(\.opType) }
    /// Names of the passes that changed the graph (e.g. "qdq-fusion: 13 nodes").
    public let passLog: [String]

    let steps: [Step]
    let values: [PlannedValue]
    let offsets: [Int]
    let inputIDs: [Int]
    let outputIDs: [Int]
    let pool: ConstantPool

    /// Compiles `model`. `inputShapes` binds symbolic input dimensions.
    ///
    /// - Throws: ``RuntimeError`` when a bound shape contradicts a declared dimension or names no
    ///   input, or an operator cannot run; ``ONNXError`` from normalization and shape inference.
    public init(model: Model, inputShapes: [String: [Int]] = [:]) throws {
        try Self.checkBindings(model, inputShapes)
        var normalized = try model.normalized(inputShapes: inputShapes)
        var log: [String] = []
        let rounded = normalized.quantizeWeightsLikeORT()
        if rounded > 0 { log.append("float weights rounded to int8 as ONNX Runtime does: \(rounded)") }
        log += normalized.fuseQDQ()
        let folded = normalized.foldConstantDequantize()
        if folded > 0 { log.append("constant DequantizeLinear folded: \(folded)") }
        let types = try ShapeInference.infer(normalized, inputShapes: inputShapes)
        var builder = PlanBuilder(model: normalized, types: types)
        try builder.build()
        log += builder.log
        let plan = MemoryPlan(values: builder.values, steps: builder.steps, pinned: Set(builder.outputIDs + builder.inputIDs))
        guard plan.arenaBytes <= Self.maxArenaBytes else {
            throw RuntimeError(code: .unsupported, message: "the model needs a \(plan.arenaBytes)-byte arena (at most \(Self.maxArenaBytes))")
        }
        self.steps = builder.steps
        self.values = builder.values
        self.offsets = plan.offsets
        self.arenaBytes = plan.arenaBytes
        self.inputIDs = builder.inputIDs
        self.outputIDs = builder.outputIDs
        self.pool = builder.pool
        self.constantBytes = builder.pool.byteCount
        self.inputNames = builder.inputIDs.map { builder.values[$0].name }
        self.inputs = builder.inputIDs.map { TensorType(builder.values[$0].elementType, builder.values[$0].shape) }
        self.outputNames = builder.outputNames
        self.outputs = builder.outputIDs.map { TensorType(builder.values[$0].elementType, builder.values[$0].shape) }
        self.passLog = log
    }

    /// Largest arena a session may allocate (4 GiB): larger plans come from absurd dimensions.
    public static let maxArenaBytes = 1 << 32

    /// Loads and compiles the model at `path`.
    public convenience init(path: String, inputShapes: [String: [Int]] = [:]) throws {
        try self.init(model: try Model.load(path: path), inputShapes: inputShapes)
    }

    /// Bound shapes may only fill symbolic or unknown dimensions, never change a declared one.
    static func checkBindings(_ model: Model, _ shapes: [String: [Int]]) throws(RuntimeError) {
        let inputs = model.graph.runtimeInputs
        for (name, given) in shapes {
            guard let input = inputs.first(where: { $0.name == name }) else {
                throw RuntimeError(code: .invalidInput, message: "the model has no input '\(name)'; its inputs are \(inputs.map(\.name).joined(separator: ", "))", value: name)
            }
            guard let declared = input.shape else { continue }
            let mismatch = declared.count != given.count || zip(declared, given).contains { d, g in
                if case .value(let v) = d { return v != Int64(g) }
                return false
            }
            if mismatch {
                throw RuntimeError(code: .invalidInput, message: "input '\(name)' must have shape \(input.typeDescription), got \(given)", value: name)
            }
        }
    }

    /// A new session with its own arena.
    public func makeSession() -> InferenceSession { InferenceSession(model: self) }

    /// The kernel ISA in use (EDGEMLOPS_ISA may override it).
    public static var isa: String { String(cString: ck_isa_name(ck_isa_selected())) }

    /// Why EDGEMLOPS_ISA was ignored, when it was: an unknown name or a path this CPU lacks.
    public static var isaOverrideProblem: String? {
        switch ck_isa_override_status() {
        case CK_ISA_OVERRIDE_UNKNOWN: "EDGEMLOPS_ISA names no kernel path (scalar, neon, neondot, avx2, avx512vnni); using \(isa)"
        case CK_ISA_OVERRIDE_UNAVAILABLE: "EDGEMLOPS_ISA names a kernel path this CPU lacks; using \(isa)"
        default: nil
        }
    }
}
