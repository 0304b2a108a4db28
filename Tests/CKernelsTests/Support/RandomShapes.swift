/// Seeded random shapes on top of the hand-picked lists: valid by construction, small enough
/// for debug builds, and different for every seed so a failure names a reproducible case.
enum RandomShapes {
    /// Convolutions with random groups, kernel sizes, strides, dilations and asymmetric pads.
    static func convolutions(count: Int, seed: UInt64) -> [ConvCase] {
        var rng = SplitMix64(seed: seed)
        var cases: [ConvCase] = []
        while cases.count < count {
            let groups = [1, 1, 2, 3].randomElement(using: &rng)!
            let kernelH = Int.random(in: 1...5, using: &rng), kernelW = Int.random(in: 1...5, using: &rng)
            let dilationH = Int.random(in: 1...2, using: &rng), dilationW = Int.random(in: 1...2, using: &rng)
            let c = ConvCase(
                batch: Int.random(in: 1...2, using: &rng),
                inH: Int.random(in: 1...9, using: &rng),
                inW: Int.random(in: 1...9, using: &rng),
                inC: groups * Int.random(in: 1...5, using: &rng),
                outC: groups * Int.random(in: 1...5, using: &rng),
                kernelH: kernelH,
                kernelW: kernelW,
                strideH: Int.random(in: 1...3, using: &rng),
                strideW: Int.random(in: 1...3, using: &rng),
                dilationH: dilationH,
                dilationW: dilationW,
                padTop: Int.random(in: 0..<kernelH, using: &rng),
                padLeft: Int.random(in: 0..<kernelW, using: &rng),
                padBottom: Int.random(in: 0..<kernelH, using: &rng),
                padRight: Int.random(in: 0..<kernelW, using: &rng),
                groups: groups,
                seed: rng.next()
            )
            // Keep shapes whose padded input covers at least one window.
            if c.inH + c.padTop + c.padBottom >= dilationH * (kernelH - 1) + 1,
                c.inW + c.padLeft + c.padRight >= dilationW * (kernelW - 1) + 1
            {
                cases.append(c)
            }
        }
        return cases
    }
}
