/// Static memory plan: every arena value gets a byte offset in one arena; values whose
/// lifetimes (first write .. last read, in step order) do not overlap share bytes.
///
/// Greedy: values are placed in order of definition, each at the lowest 64-byte aligned offset
/// that does not collide with a live value. Graph inputs and outputs are pinned (live for the
/// whole run) so the caller can read outputs after the last step.
struct MemoryPlan {
    static let alignment = 64
    var offsets: [Int]
    var arenaBytes: Int

    init(values: [PlannedValue], steps: [Step], pinned: Set<Int>) {
        let n = values.count
        var first = [Int](repeating: Int.max, count: n)
        var last = [Int](repeating: -1, count: n)
        for (i, step) in steps.enumerated() {
            for id in step.outputs { first[id] = min(first[id], i); last[id] = max(last[id], i) }
            for id in step.inputs { last[id] = max(last[id], i) }
        }
        for id in pinned {
            first[id] = -1
            last[id] = steps.count
        }
        offsets = [Int](repeating: 0, count: n)
        var placed: [(start: Int, end: Int, first: Int, last: Int)] = []
        var total = 0
        let order = (0..<n).filter { values[$0].constant == nil && last[$0] >= 0 }.sorted { first[$0] < first[$1] }
        for id in order {
            let size = (max(values[id].byteCount, 1) + Self.alignment - 1) / Self.alignment * Self.alignment
            let live = placed.filter { $0.first <= last[id] && first[id] <= $0.last }.sorted { $0.start < $1.start }
            var offset = 0
            for block in live where block.start < offset + size {
                if block.end > offset { offset = block.end }
            }
            offsets[id] = offset
            placed.append((offset, offset + size, first[id], last[id]))
            total = max(total, offset + size)
        }
        arenaBytes = total
    }
}
