import CKernels
import Testing

/// The intra-op thread pool: every item is visited exactly once, whatever the tile size and
/// thread count, and per-thread indices stay in range.
@Suite("Intra-op thread pool")
struct ThreadPoolTests {
    /// Per-item visit counts and the thread that ran each item, written from the C task.
    /// Each item belongs to one tile, so no two threads write the same slot.
    struct Visits {
        var counts: UnsafeMutablePointer<Int>
        var threads: UnsafeMutablePointer<Int>
    }

    @Test(arguments: [1, 2, 3, 5], [(1, 1), (100, 7), (1000, 64), (37, 100), (5, 1)])
    func everyItemOnce(threads: Int, rangeAndTile: (Int, Int)) throws {
        let (range, tile) = rangeAndTile
        let pool = try #require(ck_threadpool_create(threads))
        defer { ck_threadpool_destroy(pool) }
        #expect(ck_threadpool_threads(pool) == threads)
        var visits = Visits(
            counts: .allocate(capacity: range),
            threads: .allocate(capacity: range)
        )
        defer {
            visits.counts.deallocate()
            visits.threads.deallocate()
        }
        visits.counts.initialize(repeating: 0, count: range)
        visits.threads.initialize(repeating: -1, count: range)
        for _ in 0..<3 {  // reuse: the pool must reset between calls
            ck_threadpool_parallel_for(
                pool,
                range,
                tile,
                { context, thread, start, count in
                    let v = context!.assumingMemoryBound(to: Visits.self).pointee
                    for i in start..<(start + count) {
                        v.counts[i] += 1
                        v.threads[i] = Int(thread)
                    }
                },
                &visits
            )
        }
        let counts = Array(UnsafeBufferPointer(start: visits.counts, count: range))
        let owners = Array(UnsafeBufferPointer(start: visits.threads, count: range))
        #expect(counts.allSatisfy { $0 == 3 })
        #expect(owners.allSatisfy { (0..<threads).contains($0) })
    }

    @Test func defaultIsPhysicalCores() throws {
        #expect(ck_physical_cores() >= 1)
        let pool = try #require(ck_threadpool_create(0))
        defer { ck_threadpool_destroy(pool) }
        #expect(ck_threadpool_threads(pool) == ck_physical_cores())
        #expect(ck_threadpool_threads(nil) == 1)
    }
}
