import EdgeInference
import EdgeOps

/// Stands in for the executor-backed validators: passes or refuses as told, and records what it saw.
struct ValidatorDouble: ModelValidator {
    var name: String
    var refusal: String?

    func validate(_ candidate: ValidationCandidate) async throws(BundleError) -> String {
        if let refusal { throw BundleError(code: .validation, message: refusal, file: candidate.manifest.model) }
        return "\(candidate.manifest.golden.count) golden cases, model \(candidate.model.graph.name)"
    }
}
