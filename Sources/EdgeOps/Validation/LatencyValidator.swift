import EdgeInference
import Foundation

/// Measures the candidate on this device: `warmUp` unmeasured runs, then the median of `runs`
/// timed runs against the budget. The configured budget (agent configuration or
/// `EDGEMLOPS_LATENCY_BUDGET_MS`) wins over the manifest's `latencyBudgetMs`, because the device
/// owner knows the line speed; with neither the median is only reported.
public struct LatencyValidator: ModelValidator {
    public let name = "latency"
    public var budgetMs: Double?
    public var warmUp: Int
    public var runs: Int
    public var threads: Int

    public init(budgetMs: Double? = nil, warmUp: Int = 3, runs: Int = 15, threads: Int = 1) {
        self.budgetMs = budgetMs
        self.warmUp = max(warmUp, 0)
        self.runs = max(runs, 1)
        self.threads = threads
    }

    public func validate(_ candidate: ValidationCandidate) async throws(BundleError) -> String {
        let manifest = candidate.manifest
        let session = try candidate.compile(shape: nil).makeSession()
        session.threads = threads
        // Timing does not depend on the values: an all-zero frame in the declared type.
        var inputs: [String: Tensor] = [:]
        for (name, type) in zip(session.model.inputNames, session.model.inputs) {
            let bytes = [UInt8](repeating: 0, count: type.shape.reduce(1, *) * type.elementType.byteWidth)
            do {
                inputs[name] = try Tensor(elementType: type.elementType, shape: type.shape, data: ByteSlice(copying: bytes))
            } catch {
                throw BundleError(code: .validation, message: "input '\(name)': \(error)", file: manifest.model)
            }
        }
        var samples: [Double] = []
        for run in 0..<(warmUp + runs) {
            do {
                _ = try session.run(inputs)
            } catch {
                throw BundleError(code: .validation, message: "the model does not run: \(error)", file: manifest.model)
            }
            if run >= warmUp { samples.append(Double(session.lastRunNanoseconds) / 1e6) }
        }
        let median = Self.median(samples)
        let detail = String(format: "median %.3f ms over %d runs", median, runs)
        guard let budget = budgetMs ?? manifest.latencyBudgetMs else { return detail + ", no budget configured" }
        guard median <= budget else {
            throw BundleError(
                code: .validation,
                message: detail + String(format: ", over the budget of %.3f ms", budget),
                file: manifest.model,
                field: "latencyBudgetMs"
            )
        }
        return detail + String(format: ", budget %.3f ms", budget)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
