import Testing

/// Float comparison with a tolerance that scales with the magnitude and with the length of
/// the sum behind each element (different summation orders are legitimate).
func expectClose(
    _ actual: [Float],
    _ expected: [Float],
    relative: Float = 1e-5,
    absolute: Float = 1e-5,
    _ context: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    var mismatches = 0
    for (index, (a, e)) in zip(actual, expected).enumerated() {
        let same = (a.isNaN && e.isNaN) || a == e || abs(a - e) <= absolute + relative * abs(e)
        if !same {
            mismatches += 1
            if mismatches <= 3 {
                Issue.record(
                    "element \(index): got \(a), expected \(e) \(context())",
                    sourceLocation: sourceLocation
                )
            }
        }
    }
    #expect(
        mismatches == 0,
        "\(mismatches) of \(expected.count) elements differ \(context())",
        sourceLocation: sourceLocation
    )
}

/// Exact comparison that reports the first differing elements, not the whole arrays.
func expectEqualElements<T: Equatable>(
    _ actual: [T],
    _ expected: [T],
    _ context: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    var mismatches = 0
    for (index, (a, e)) in zip(actual, expected).enumerated() where a != e {
        mismatches += 1
        if mismatches <= 3 {
            Issue.record("element \(index): got \(a), expected \(e) \(context())", sourceLocation: sourceLocation)
        }
    }
    #expect(
        mismatches == 0,
        "\(mismatches) of \(expected.count) elements differ \(context())",
        sourceLocation: sourceLocation
    )
}
