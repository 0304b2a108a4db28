import Dispatch
import EdgeInference
import EdgeOps
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Model host")
struct ModelHostTests {
    let tmp = TemporaryDirectory()
    static let shape = [1, 3, 8, 8]

    func install(_ store: ArtifactStore, _ version: String, poisoned: Bool = false, brokenManifest: Bool = false)
        throws
    {
        try ModelStoreFixture.install(store, version, poisoned: poisoned, brokenManifest: brokenManifest, scratch: tmp)
    }

    final class Events: Sendable {
        let list = Mutex<[ModelHost.Event]>([])
        var all: [ModelHost.Event] { list.withLock { $0 } }
        func append(_ event: ModelHost.Event) { list.withLock { $0.append(event) } }
    }

    func makeHost(policy: ProbationPolicy, events: Events) throws -> (ModelHost, ArtifactStore) {
        let store = ArtifactStore(root: tmp.path + "/models", kind: .model)
        try install(store, "1.0.0")
        try store.activate(name: "scratch", version: "1.0.0")
        let host = ModelHost(store: store, name: "scratch", policy: policy, logger: Logger(label: "test")) {
            events.append($0)
        }
        try host.loadActive()
        return (host, store)
    }

    static let frame = ["images": Tensor(floats: (0..<192).map { Float($0 % 7) - 3 }, shape: shape)]

    @Test func loadsTheActiveVersionAndRuns() throws {
        let (host, _) = try makeHost(policy: ProbationPolicy(), events: Events())
        let result = try host.makeRunner().run(Self.frame)
        #expect(result.info.version == "1.0.0")
        #expect(result.info.sha256.count == 64)
        #expect(result.info.labels == ["ok", "defect"])
        let scores = try #require(result.outputs[result.outputNames[0]]).floats()
        #expect(scores == Self.frame["images"]!.floats().map { max($0, 0) })
    }

    @Test func activationSwapsTheRunnerAndConfirmsAfterProbation() throws {
        let events = Events()
        let (host, store) = try makeHost(policy: ProbationPolicy(inferences: 3), events: events)
        try install(store, "1.1.0")
        let runner = host.makeRunner()
        #expect(try runner.run(Self.frame).info.version == "1.0.0")
        try host.activate(version: "1.1.0")
        #expect(host.onProbation)
        for _ in 0..<3 { #expect(try runner.run(Self.frame).info.version == "1.1.0") }
        #expect(!host.onProbation)
        #expect(events.all == [.activated(version: "1.1.0"), .confirmed(version: "1.1.0")])
        #expect(try store.active("scratch") == "1.1.0")
    }

    @Test func modelProducingNaNIsRolledBack() throws {
        let events = Events()
        let (host, store) = try makeHost(policy: ProbationPolicy(inferences: 5, maxFailures: 0), events: events)
        try install(store, "2.0.0", poisoned: true)
        try host.activate(version: "2.0.0")
        let runner = host.makeRunner()
        #expect(throws: ModelHostError.self) { try runner.run(Self.frame) }
        #expect(try store.active("scratch") == "1.0.0")
        #expect(host.current?.info.version == "1.0.0")
        guard case .rolledBack(let from, let to, let reason) = events.all.last else {
            Issue.record("no rollback: \(events.all)")
            return
        }
        #expect(from == "2.0.0" && to == "1.0.0")
        #expect(reason.contains("not finite"))
        // The restored model serves the next frame.
        #expect(try runner.run(Self.frame).info.version == "1.0.0")
    }

    @Test func modelOverTheLatencyBudgetIsRolledBack() throws {
        let events = Events()
        let policy = ProbationPolicy(inferences: 5, latencyBudget: .nanoseconds(1), maxOverBudget: 0)
        let (host, store) = try makeHost(policy: policy, events: events)
        try install(store, "1.1.0")
        try host.activate(version: "1.1.0")
        _ = try host.makeRunner().run(Self.frame)
        #expect(try store.active("scratch") == "1.0.0")
        guard case .rolledBack(_, _, let reason) = events.all.last else {
            Issue.record("no rollback: \(events.all)")
            return
        }
        #expect(reason.contains("latency budget"))
    }

    @Test func failingModelWithoutPreviousKeepsServing() throws {
        let events = Events()
        let store = ArtifactStore(root: tmp.path + "/models", kind: .model)
        try install(store, "2.0.0", poisoned: true)
        let host = ModelHost(
            store: store,
            name: "scratch",
            policy: ProbationPolicy(inferences: 2),
            logger: Logger(label: "test")
        ) { events.append($0) }
        try host.activate(version: "2.0.0")
        #expect(throws: ModelHostError.self) { try host.makeRunner().run(Self.frame) }
        guard case .rollbackImpossible(let version, let reason) = events.all.last else {
            Issue.record("expected rollbackImpossible: \(events.all)")
            return
        }
        #expect(version == "2.0.0" && reason.contains("not finite"))
        #expect(host.current?.info.version == "2.0.0")
    }

    @Test func unloadableVersionLeavesStoreAndHostAlone() throws {
        let (host, store) = try makeHost(policy: ProbationPolicy(), events: Events())
        try install(store, "3.0.0", brokenManifest: true)
        #expect {
            try host.activate(version: "3.0.0")
        } throws: { error in
            let error = error as? ModelHostError
            return error?.code == .unloadable && error?.file?.hasSuffix("3.0.0/manifest.json") == true
        }
        #expect(try store.active("scratch") == "1.0.0")
        #expect(host.current?.info.version == "1.0.0")
    }

    @Test("A version another process made active in the store is served on probation; nothing to do twice")
    func followsTheStore() throws {
        let events = Events()
        let (host, store) = try makeHost(policy: ProbationPolicy(inferences: 2), events: events)
        #expect(try host.followStore() == nil)
        try install(store, "1.1.0")
        // What the sm-plugin's install does, in its own process: the store switches, the host does not know.
        try store.activate(name: "scratch", version: "1.1.0")
        let runner = host.makeRunner()
        #expect(try runner.run(Self.frame).info.version == "1.0.0")
        #expect(try host.followStore()?.version == "1.1.0")
        #expect(try host.followStore() == nil)
        #expect(host.onProbation)
        #expect(try runner.run(Self.frame).info.version == "1.1.0")
        #expect(events.all == [.activated(version: "1.1.0")])
        #expect(try store.previous("scratch") == "1.0.0")
    }

    @Test("A store version that does not load is not served, and the store goes back to the version serving")
    func unloadableStoreVersionIsRolledBack() throws {
        let events = Events()
        let (host, store) = try makeHost(policy: ProbationPolicy(), events: events)
        try install(store, "3.0.0", brokenManifest: true)
        try store.activate(name: "scratch", version: "3.0.0")
        #expect(throws: ModelHostError.self) { try host.followStore() }
        #expect(host.current?.info.version == "1.0.0")
        #expect(try store.active("scratch") == "1.0.0")
        guard case .rolledBack(from: "3.0.0", to: "1.0.0", let reason)? = events.all.last else {
            Issue.record("no rollback event: \(events.all)")
            return
        }
        #expect(reason.contains("does not load"))
        #expect(try host.followStore() == nil)
    }

    @Test func swapsUnderLoadDropNoFrame() throws {
        let (host, store) = try makeHost(policy: ProbationPolicy(inferences: 0), events: Events())
        try install(store, "1.1.0")
        let failures = Atomic<Int>(0)
        let served = Atomic<Int>(0)
        let group = DispatchGroup()
        for _ in 0..<3 {
            DispatchQueue.global().async(group: group) {
                let runner = host.makeRunner()
                for _ in 0..<200 {
                    if (try? runner.run(Self.frame)) != nil {
                        served.add(1, ordering: .relaxed)
                    } else {
                        failures.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        for i in 0..<20 { try host.activate(version: i % 2 == 0 ? "1.1.0" : "1.0.0") }
        group.wait()
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(served.load(ordering: .relaxed) == 600)
    }
}
