/// Messages received on one subscription filter, as an async sequence.
///
/// Ending the iteration (or dropping the sequence) stops local delivery; the broker-side
/// subscription stays until ``MQTTClient/unsubscribe(_:)``.
public struct MQTTSubscription: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage
    public let filter: String
    let stream: AsyncStream<MQTTMessage>

    public func makeAsyncIterator() -> AsyncStream<MQTTMessage>.AsyncIterator {
        stream.makeAsyncIterator()
    }
}
