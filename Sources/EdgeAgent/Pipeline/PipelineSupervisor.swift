import Logging
import ServiceLifecycle
import Synchronization

/// Runs the pipelines as child tasks and changes them while the agent runs (SIGHUP).
///
/// ``apply(_:)`` compares the new `[[pipelines]]` with the running ones by name: unchanged ones
/// keep running untouched (camera, model, counters); removed ones finish their frame and stop;
/// changed ones stop, then are rebuilt — and if the new configuration cannot be built (a model
/// that does not load, a camera that is not there) the previous one is rebuilt so the line
/// keeps being inspected; new ones start. Stopping first frees exclusive resources (a V4L2
/// device, a GPIO line) for the rebuild.
public final class PipelineSupervisor: Service, CustomStringConvertible {
    let build: @Sendable (PipelineConfiguration) throws -> PipelineService
    let logger: Logger
    private let running: Mutex<[PipelineService]>
    private let starts: AsyncStream<PipelineService>
    private let startContinuation: AsyncStream<PipelineService>.Continuation

    public var description: String { "pipelines" }

    /// What a reload did, pipeline by pipeline.
    public struct Change: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Hashable { case started, stopped, restarted, unchanged, failed }
        public var pipeline: String
        public var kind: Kind
        public var detail: String?
        public var description: String { "\(pipeline) \(kind.rawValue)" + (detail.map { ": \($0)" } ?? "") }
    }

    init(pipelines: [PipelineService], build: @escaping @Sendable (PipelineConfiguration) throws -> PipelineService, logger: Logger) {
        self.running = Mutex(pipelines)
        self.build = build
        self.logger = logger
        (starts, startContinuation) = AsyncStream.makeStream()
        for pipeline in pipelines { startContinuation.yield(pipeline) }
    }

    /// The pipelines running now, in configuration order.
    public var pipelines: [PipelineService] { running.withLock { $0 } }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                // Each pipeline sees the group's graceful shutdown itself (task-local), so on
                // SIGTERM every one finishes its frame.
                for await pipeline in starts {
                    group.addTask { try? await pipeline.run() }
                }
            }
        } onGracefulShutdown: {
            self.startContinuation.finish()
        }
    }

    /// Brings the running pipelines to `configurations` (see the type's description).
    public func apply(_ configurations: [PipelineConfiguration]) async -> [Change] {
        var changes: [Change] = []
        let wanted = Set(configurations.map(\.name))
        for pipeline in pipelines where !wanted.contains(pipeline.configuration.name) {
            await stop(pipeline)
            changes.append(Change(pipeline: pipeline.configuration.name, kind: .stopped))
        }
        for configuration in configurations {
            let current = pipelines.first { $0.configuration.name == configuration.name }
            if let current, current.configuration == configuration {
                changes.append(Change(pipeline: configuration.name, kind: .unchanged))
                continue
            }
            if let current { await stop(current) }
            do {
                start(try build(configuration), at: configurations.firstIndex(of: configuration) ?? 0)
                changes.append(Change(pipeline: configuration.name, kind: current == nil ? .started : .restarted))
            } catch {
                var detail = "\(error)"
                if let current {
                    do {
                        start(try build(current.configuration), at: configurations.firstIndex(of: configuration) ?? 0)
                        detail += "; the previous configuration runs again"
                    } catch {
                        detail += "; the previous configuration failed too: \(error)"
                    }
                }
                changes.append(Change(pipeline: configuration.name, kind: .failed, detail: detail))
            }
        }
        for change in changes where change.kind != .unchanged {
            if change.kind == .failed {
                logger.error("pipeline not reconfigured", metadata: ["pipeline": "\(change.pipeline)", "error": "\(change.detail ?? "")"])
            } else {
                logger.info("pipeline \(change.kind.rawValue)", metadata: ["pipeline": "\(change.pipeline)"])
            }
        }
        return changes
    }

    private func start(_ pipeline: PipelineService, at index: Int) {
        running.withLock { $0.insert(pipeline, at: min(index, $0.count)) }
        startContinuation.yield(pipeline)
    }

    private func stop(_ pipeline: PipelineService) async {
        pipeline.stop()
        await pipeline.waitUntilStopped()
        running.withLock { $0.removeAll { $0 === pipeline } }
    }
}
