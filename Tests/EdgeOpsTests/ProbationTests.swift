import EdgeOps
import Foundation
import Logging
import Testing

@Suite("Probation and rollback")
struct ProbationTests {
    @Test func confirmsAfterNGoodInferences() {
        var probation = Probation(policy: .init(inferences: 3, latencyBudget: .milliseconds(50)))
        #expect(probation.record(.succeeded(latency: .milliseconds(10))) == .watching(remaining: 2))
        #expect(probation.record(.succeeded(latency: .milliseconds(10))) == .watching(remaining: 1))
        #expect(probation.record(.succeeded(latency: .milliseconds(10))) == .confirmed)
        #expect(probation.record(.failed(reason: "late failure")) == .confirmed)
    }

    @Test(arguments: [0, 1, 2])
    func rollsBackWhenFailuresExceedTheAllowance(allowed: Int) {
        var probation = Probation(policy: .init(inferences: 10, maxFailures: allowed))
        var verdict = Probation.Verdict.confirmed
        for _ in 0...allowed { verdict = probation.record(.failed(reason: "tensor shape mismatch")) }
        guard case .rollback(let reason) = verdict else {
            Issue.record("expected rollback, got \(verdict)")
            return
        }
        #expect(reason.contains("\(allowed + 1) of the first \(allowed + 1)"))
        #expect(reason.contains("tensor shape mismatch"))
    }

    @Test func rollsBackWhenTheLatencyBudgetIsBroken() {
        var probation = Probation(policy: .init(inferences: 10, latencyBudget: .milliseconds(40), maxOverBudget: 1))
        #expect(probation.record(.succeeded(latency: .milliseconds(90))) == .watching(remaining: 9))
        #expect(probation.record(.succeeded(latency: .milliseconds(30))) == .watching(remaining: 8))
        guard case .rollback(let reason) = probation.record(.succeeded(latency: .milliseconds(41))) else {
            Issue.record("expected rollback")
            return
        }
        #expect(reason.contains("latency budget"))
    }

    @Test func activationRollsTheStoreBack() async throws {
        let tmp = TemporaryDirectory()
        let store = ArtifactStore(root: tmp.path + "/models", kind: .model)
        try ArtifactStoreTests.install(store, "m", "1")
        try ArtifactStoreTests.install(store, "m", "2")
        let activation = ModelActivation(
            store: store,
            name: "m",
            policy: .init(inferences: 5, maxFailures: 1),
            logger: Logger(label: "test")
        )
        _ = try await activation.activate(version: "1")
        for _ in 0..<5 { _ = try await activation.record(.succeeded(latency: .milliseconds(1))) }
        let path = try await activation.activate(version: "2")
        #expect(path.hasSuffix("/m/2"))
        #expect(try await activation.record(.failed(reason: "NaN")) == .none)
        let event = try await activation.record(.failed(reason: "NaN"))
        guard case .rolledBack(let from, let to, let reason) = event else {
            Issue.record("expected rollback, got \(event)")
            return
        }
        #expect(from == "2" && to == "1" && reason.contains("NaN"))
        #expect(try store.active("m") == "1")
        #expect(try store.previous("m") == "2")
        #expect(try await activation.record(.failed(reason: "NaN")) == .none)
    }

    @Test func firstModelCannotRollBack() async throws {
        let tmp = TemporaryDirectory()
        let store = ArtifactStore(root: tmp.path + "/models", kind: .model)
        try ArtifactStoreTests.install(store, "m", "1")
        let activation = ModelActivation(
            store: store,
            name: "m",
            policy: .init(inferences: 5),
            logger: Logger(label: "test")
        )
        _ = try await activation.activate(version: "1")
        #expect(
            try await activation.record(.failed(reason: "boom"))
                == .rollbackImpossible(version: "1", reason: "1 of the first 1 inferences failed (last: boom)")
        )
        #expect(try store.active("m") == "1")
    }
}
