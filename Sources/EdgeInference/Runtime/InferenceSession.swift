import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One thread's execution state for a ``CompiledModel``: the arena (allocated once, here) and
/// the per-step timings of the last run. Not thread-safe: use one session per thread.
public final class InferenceSession {
    /// What to do with NaN or infinity in float inputs.
    public enum NonFinitePolicy: Sendable {
        /// Reject the input with a ``RuntimeError/Code/nonFinite`` error naming the input and index.
        case reject
        /// Run anyway (kernels propagate NaN as IEEE arithmetic does).
        case allow
    }

    /// Time spent in one step of the last run.
    public struct StepTiming: Sendable {
        public var node: String
        public var opType: String
        public var nanoseconds: UInt64
    }

    public let model: CompiledModel
    public var nonFinitePolicy: NonFinitePolicy = .reject
    /// Record per-step timings (two clock reads per step).
    public var profiling = false
    /// Per-step timings of the last run when ``profiling`` is on.
    public private(set) var timings: [StepTiming] = []
    /// Wall time of the last run, nanoseconds.
    public private(set) var lastRunNanoseconds: UInt64 = 0

    /// Intra-op threads, the caller included. Steps whose kernel splits work (see
    /// docs/runtime.md, "Threads") run on this session's pool; the others run on the caller.
    /// Results do not depend on the count: each tile writes only its own outputs. At most 16
    /// (the float convolution scratch is sized for that many).
    public var threads: Int = 1 {
        didSet {
            threads = min(max(threads, 1), PlanBuilder.maxThreads)
            guard threads != oldValue else { return }
            ck_threadpool_destroy(pool)
            // A pool that cannot start its workers leaves the session single-threaded.
            pool = threads > 1 ? ck_threadpool_create(threads) : nil
            if pool == nil { threads = 1 }
        }
    }

    private var pool: OpaquePointer?
    private let arena: UnsafeMutableRawPointer
    private let pointers: UnsafeMutablePointer<UnsafeMutableRawPointer>

    init(model: CompiledModel) {
        self.model = model
        arena = UnsafeMutableRawPointer.allocate(byteCount: max(model.arenaBytes, 64), alignment: 64)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: max(model.arenaBytes, 64))
        pointers = .allocate(capacity: max(model.values.count, 1))
        for (id, value) in model.values.enumerated() {
            (pointers + id).initialize(to: value.constant?.raw ?? arena + model.offsets[id])
        }
    }

    deinit {
        ck_threadpool_destroy(pool)
        arena.deallocate()
        pointers.deallocate()
    }

    /// Runs the model. `inputs` by graph input name, ONNX layout; outputs likewise.
    ///
    /// - Throws: ``RuntimeError`` for a missing, unknown, mis-shaped or mis-typed input, or
    ///   non-finite floats under ``NonFinitePolicy/reject``.
    public func run(_ inputs: [String: Tensor]) throws(RuntimeError) -> [String: Tensor] {
        for name in inputs.keys where !model.inputNames.contains(name) {
            throw RuntimeError(
                code: .invalidInput,
                message: "the model has no input '\(name)'; its inputs are \(model.inputNames.joined(separator: ", "))",
                value: name
            )
        }
        for (i, id) in model.inputIDs.enumerated() {
            let expected = model.inputs[i]
            let name = model.inputNames[i]
            guard let tensor = inputs[name] else {
                throw RuntimeError(code: .missingInput, message: "input '\(name)' (\(expected)) was not given", value: name)
            }
            guard tensor.elementType == expected.elementType else {
                throw RuntimeError(
                    code: .invalidInput,
                    message: "input '\(name)' must be \(expected.elementType), got \(tensor.elementType)",
                    value: name
                )
            }
            guard tensor.shape == expected.shape else {
                throw RuntimeError(
                    code: .invalidInput,
                    message: "input '\(name)' must have shape \(expected.shape), got \(tensor.shape)",
                    value: name
                )
            }
            if tensor.elementType == .float32, nonFinitePolicy == .reject {
                let bad: Int? = tensor.data.withUnsafeBytes { raw in
                    for j in 0..<tensor.count where !raw.loadUnaligned(fromByteOffset: j * 4, as: Float.self).isFinite {
                        return j
                    }
                    return nil
                }
                if let bad {
                    throw RuntimeError(
                        code: .nonFinite,
                        message: "input '\(name)' holds a NaN or infinity at flat index \(bad)",
                        value: name
                    )
                }
            }
            tensor.data.withUnsafeBytes { raw in
                if raw.count > 0 { pointers[id].copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
            }
        }
        let frame = Frame(pointers: UnsafePointer(pointers), pool: pool)
        let start = Self.now()
        if profiling {
            var t: [StepTiming] = []
            t.reserveCapacity(model.steps.count)
            for step in model.steps {
                let s = Self.now()
                step.run(frame)
                t.append(StepTiming(node: step.node, opType: step.opType, nanoseconds: Self.now() - s))
            }
            timings = t
        } else {
            for step in model.steps { step.run(frame) }
        }
        lastRunNanoseconds = Self.now() - start
        var result: [String: Tensor] = [:]
        for (i, id) in model.outputIDs.enumerated() {
            let value = model.values[id]
            let bytes = UnsafeRawBufferPointer(start: pointers[id], count: value.byteCount)
            do {
                result[model.outputNames[i]] = try Tensor(
                    elementType: value.elementType,
                    shape: value.shape,
                    data: ByteSlice(copying: bytes)
                )
            } catch {
                // Shapes were checked when the plan was built; this only reports an inconsistency.
                throw RuntimeError(code: .invalidModel, message: "output '\(value.name)': \(error.message)", value: value.name)
            }
        }
        return result
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
