import EdgeCloud
import EdgeVision
import Foundation
import Logging
import Synchronization

/// A pipeline trigger fired by messages on an MQTT topic (a PLC, a line controller, a test).
///
/// Payload: empty, or a JSON object whose optional `id` (string or integer) names the part;
/// the id travels with the verdict to the flows as `frame.trigger_id`. Anything else is
/// rejected with a warning naming the topic and the payload, and counted, so a misconfigured
/// sender is visible rather than silently inspecting on garbage.
///
/// The subscription is made once the broker is reachable and renewed by the MQTT client after
/// every reconnect; the trigger time is the arrival time on the monotonic clock, so the frame
/// chosen is the first one exposed after the command arrived (plus the pipeline's delay).
public final class MQTTTrigger: TriggerSource {
    public let events: AsyncStream<TriggerEvent>
    public let topic: String
    private let continuation: AsyncStream<TriggerEvent>.Continuation
    private let task: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let counters = Counters()

    /// Subscribes to `topic` through `client` in the background.
    public init(topic: String, client: MQTTClient, logger: Logger) {
        self.topic = topic
        // A burst of commands beyond what inference can take keeps the newest 64.
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(64))
        let continuation = self.continuation
        let counters = self.counters
        let work = Task {
            while !Task.isCancelled {
                do {
                    try await client.waitForConnection(timeout: .seconds(30))
                    let subscription = try await client.subscribe(topic, qos: .atLeastOnce)
                    logger.info("trigger subscribed", metadata: ["trigger.topic": "\(topic)"])
                    for await message in subscription {
                        let now = MonotonicClock.nowNs()
                        switch Self.parse(message.payload) {
                        case .success(let id):
                            let number = counters.state.withLock { counters in
                                counters.received += 1
                                return counters.received
                            }
                            continuation.yield(TriggerEvent(timestampNs: now, origin: .external(id: id ?? "mqtt-\(number)")))
                        case .failure(let reason):
                            counters.state.withLock { $0.rejected += 1 }
                            logger.warning(
                                "trigger message rejected",
                                metadata: [
                                    "trigger.topic": "\(message.topic)", "trigger.reason": "\(reason)",
                                    "trigger.payload": "\(Self.excerpt(message.payload))",
                                ])
                        }
                    }
                    // The client ended local delivery (shutdown): nothing more will come.
                    return
                } catch {
                    if Task.isCancelled { return }
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
        task.withLock { $0 = work }
    }

    /// Messages accepted as triggers and messages rejected so far.
    public var counts: (received: UInt64, rejected: UInt64) { counters.state.withLock { $0 } }

    public func stop() {
        task.withLock { $0?.cancel() }
        continuation.finish()
    }

    /// The part id of a trigger payload (nil: none given), or why the payload is not a trigger.
    public static func parse(_ payload: [UInt8]) -> Result<String?, TriggerPayloadError> {
        let text = String(decoding: payload, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return .success(nil) }
        guard let object = try? JSONDecoder().decode(Payload.self, from: Data(text.utf8)) else {
            return .failure(TriggerPayloadError(reason: "payload is neither empty nor a JSON object with an optional \"id\" (string or integer)"))
        }
        guard let id = object.id else { return .success(nil) }
        guard !id.isEmpty, id.utf8.count <= 128 else {
            return .failure(TriggerPayloadError(reason: "\"id\" must have 1...128 bytes"))
        }
        return .success(id)
    }

    /// `{"id": "A-17"}` or `{"id": 17}`; other keys are ignored (room for a sender's own fields).
    private struct Payload: Decodable {
        var id: String?

        enum CodingKeys: String, CodingKey { case id }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let text = try? container.decodeIfPresent(String.self, forKey: .id) {
                id = text
            } else {
                id = try container.decodeIfPresent(Int64.self, forKey: .id).map(String.init)
            }
        }
    }

    /// Shared with the subscription task (a `Mutex` cannot be captured by copy).
    private final class Counters: Sendable {
        let state = Mutex((received: UInt64(0), rejected: UInt64(0)))
    }

    static func excerpt(_ payload: [UInt8]) -> String {
        let text = String(decoding: payload.prefix(80), as: UTF8.self)
        return payload.count > 80 ? text + "…" : text
    }
}

/// Why an MQTT trigger payload was rejected.
public struct TriggerPayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
