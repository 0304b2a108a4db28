import EdgeAgent
import Testing

@Suite("Frame mailbox")
struct FrameMailboxTests {
    @Test("Offers never wait; unclaimed frames are replaced and counted as drops", arguments: [1, 2, 7])
    func dropsOlder(count: Int) async {
        let slot = FrameMailbox<Int>()
        for frame in 1...count { slot.offer(frame) }
        #expect(slot.statistics.depth == 1)
        #expect(await slot.next() == count)
        let statistics = slot.statistics
        #expect(statistics.offered == count)
        #expect(statistics.dropped == count - 1)
        #expect(statistics.delivered == 1)
        #expect(statistics.depth == 0)
    }

    @Test("A waiting consumer gets the next offer directly")
    func handsOverToWaiter() async {
        let slot = FrameMailbox<Int>()
        async let received = slot.next()
        // The consumer may or may not be parked yet; either way it must get 42 without a drop.
        slot.offer(42)
        #expect(await received == 42)
        #expect(slot.statistics.dropped == 0)
        #expect(slot.statistics.delivered == 1)
    }

    @Test("finish delivers the last frame, then ends the consumer; later offers are ignored")
    func finish() async {
        let slot = FrameMailbox<String>()
        slot.offer("last")
        slot.finish()
        slot.offer("ignored")
        #expect(await slot.next() == "last")
        #expect(await slot.next() == nil)
        #expect(slot.statistics.offered == 1)
    }

    @Test("finish wakes a waiting consumer")
    func finishWakes() async {
        let slot = FrameMailbox<Int>()
        let consumer = Task { await slot.next() }
        slot.finish()
        #expect(await consumer.value == nil)
    }

    @Test("Cancelling the consumer returns nil")
    func cancel() async {
        let slot = FrameMailbox<Int>()
        let consumer = Task { await slot.next() }
        consumer.cancel()
        #expect(await consumer.value == nil)
    }

    @Test("A producer faster than the consumer: every frame is either delivered or dropped")
    func accounting() async {
        let slot = FrameMailbox<Int>()
        let producer = Task {
            for frame in 0..<10_000 { slot.offer(frame) }
            slot.finish()
        }
        var last = -1
        var received = 0
        while let frame = await slot.next() {
            #expect(frame > last, "frames come out in order")
            last = frame
            received += 1
        }
        await producer.value
        let statistics = slot.statistics
        #expect(statistics.offered == 10_000)
        #expect(statistics.delivered == received)
        #expect(statistics.delivered + statistics.dropped == 10_000)
        #expect(last == 9_999)
    }

    @Test("With room for several, frames wait oldest first; a full mailbox drops the oldest")
    func queue() async {
        let mailbox = FrameMailbox<Int>(capacity: 3)
        let dropped = (1...5).map { mailbox.offer($0) }
        #expect(dropped == [false, false, false, true, true])
        #expect(mailbox.statistics.depth == 3)
        #expect(mailbox.statistics.dropped == 2)
        mailbox.finish()
        var received: [Int] = []
        while let frame = await mailbox.next() { received.append(frame) }
        #expect(received == [3, 4, 5])
        let statistics = mailbox.statistics
        #expect(statistics.offered == 5 && statistics.delivered == 3 && statistics.depth == 0)
    }

    @Test("A queue drained and refilled many times keeps order and counts", arguments: [2, 64])
    func queueAccounting(capacity: Int) async {
        let mailbox = FrameMailbox<Int>(capacity: capacity)
        let producer = Task {
            for frame in 0..<10_000 { mailbox.offer(frame) }
            mailbox.finish()
        }
        var last = -1
        var received = 0
        while let frame = await mailbox.next() {
            #expect(frame > last, "frames come out in order")
            last = frame
            received += 1
        }
        await producer.value
        let statistics = mailbox.statistics
        #expect(statistics.delivered == received)
        #expect(statistics.delivered + statistics.dropped == 10_000)
        #expect(last == 9_999)
    }
}
