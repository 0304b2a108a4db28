import EdgeVision
import Testing

@Suite("Synthetic inspection line")
struct SyntheticInspectionLineTests {
    static func line(seed: UInt64 = 11, defectRate: Double = 0.5, width: Int = 128, height: Int = 128) throws
        -> SyntheticInspectionLine
    {
        try SyntheticInspectionLine(
            configuration: .init(width: width, height: height, seed: seed, defectRate: defectRate)
        )
    }

    @Test("same seed and index give identical bytes, from separate line instances")
    func determinism() throws {
        let first = try Self.line(seed: 42)
        let second = try Self.line(seed: 42)
        for index in [0, 1, 17, 999] {
            let a = first.frame(index)
            let b = second.frame(index)
            #expect(a.image.pixels == b.image.pixels, "frame \(index)")
            #expect(a.truth == b.truth, "frame \(index)")
        }
        // Order must not matter: frame 17 rendered alone equals frame 17 rendered after others.
        #expect(try Self.line(seed: 42).frame(17).image == first.frame(17).image)
    }

    @Test("different seeds and different indices give different images")
    func seedsDiffer() throws {
        let a = try Self.line(seed: 1)
        let b = try Self.line(seed: 2)
        for index in 0..<5 {
            #expect(a.frame(index).image.pixels != b.frame(index).image.pixels, "frame \(index)")
        }
        #expect(a.frame(0).image.pixels != a.frame(1).image.pixels)
        // Any Int is an index: negative and extreme ones render (deterministically), never trap.
        #expect(a.frame(-1).image == a.frame(-1).image)
        #expect(a.frame(-1).image != a.frame(0).image)
        #expect(a.frame(.max).image.pixels.count == 128 * 128 * 3)
    }

    @Test("defect rate is honoured within four standard deviations", arguments: [0.0, 0.1, 0.5, 0.9, 1.0])
    func defectRate(rate: Double) throws {
        let line = try Self.line(seed: 5, defectRate: rate)
        let count = 4000
        var defective = 0
        var perClass: [SyntheticDefectClass: Int] = [:]
        for index in 0..<count {
            if case .defect(let defectClass) = line.scene(at: index).groundTruth.label {
                defective += 1
                perClass[defectClass, default: 0] += 1
            }
        }
        let observed = Double(defective) / Double(count)
        let sigma = (rate * (1 - rate) / Double(count)).squareRoot()
        #expect(abs(observed - rate) <= 4 * sigma, "observed \(observed) for rate \(rate)")
        if defective >= 1000 {
            // Classes are equally likely among defective frames.
            for defectClass in SyntheticDefectClass.allCases {
                let share = Double(perClass[defectClass, default: 0]) / Double(defective)
                let classSigma = (0.2 * 0.8 / Double(defective)).squareRoot()
                #expect(abs(share - 0.2) <= 4 * classSigma, "\(defectClass): \(share)")
            }
        }
    }

    @Test("both part kinds appear in roughly equal numbers")
    func partKinds() throws {
        let line = try Self.line()
        let discs = (0..<2000).filter { line.scene(at: $0).part == .disc }.count
        #expect(abs(discs - 1000) <= 4 * 23)  // sigma = sqrt(2000 / 4) ≈ 22.4
    }

    @Test("each defect changes the part inside its box and nowhere else", arguments: SyntheticDefectClass.allCases)
    func defectIsVisibleInsideItsBox(defectClass: SyntheticDefectClass) throws {
        for (width, height, frames) in [(128, 128, 0..<40), (640, 480, 0..<4)] {
            let line = try Self.line(seed: 9, width: width, height: height)
            for index in frames {
                let withDefect = line.scene(at: index, label: .defect(defectClass))
                var withoutDefect = withDefect
                withoutDefect.defect = nil
                let truth = withDefect.groundTruth
                #expect(truth.label == .defect(defectClass))
                let box = try #require(truth.box)
                #expect(!box.isEmpty && box.maxX <= width && box.maxY <= height)

                let defective = line.render(withDefect)
                let good = line.render(withoutDefect)
                var largestInside = 0
                var changedOutside = 0
                for y in 0..<height {
                    for x in 0..<width {
                        for k in 0..<3 {
                            let o = (y * width + x) * 3 + k
                            let difference = abs(Int(defective.pixels[o]) - Int(good.pixels[o]))
                            if box.contains(x: x, y: y) {
                                largestInside = max(largestInside, difference)
                            } else if difference != 0 {
                                changedOutside += 1
                            }
                        }
                    }
                }
                // 4 grey levels: faint defects sit at the noise level, but never vanish.
                #expect(largestInside >= 4, "\(defectClass) frame \(index) at \(width)x\(height)")
                #expect(changedOutside == 0, "\(defectClass) frame \(index) at \(width)x\(height)")
            }
        }
    }

    @Test("every labelled defect is visible at 128x128", arguments: SyntheticDefectClass.allCases)
    func defectIsVisible(defectClass: SyntheticDefectClass) throws {
        // Signal energy: the sum over pixels of the squared change (largest channel, in grey
        // levels). The floor, 6 x 12^2, is what six pixels changed by 12 levels (2.5 sigma of
        // the noisiest frame) carry: a 1-px stroke 6 px long, a dent's core, or a broad tint
        // of a few levels over hundreds of pixels. Below it a label would be label noise.
        let line = try Self.line(seed: 23)
        for index in 0..<150 {
            let withDefect = line.scene(at: index, label: .defect(defectClass))
            var withoutDefect = withDefect
            withoutDefect.defect = nil
            let defective = line.render(withDefect).pixels
            let good = line.render(withoutDefect).pixels
            var energy = 0
            for pixel in stride(from: 0, to: defective.count, by: 3) {
                var largest = 0
                for k in 0..<3 {
                    largest = max(largest, abs(Int(defective[pixel + k]) - Int(good[pixel + k])))
                }
                energy += largest * largest
            }
            #expect(energy >= 6 * 12 * 12, "\(defectClass) frame \(index) (\(withDefect.part)): energy \(energy)")
        }
    }

    @Test("forcing a label changes only the defect, and ok frames have no box")
    func forcedLabels() throws {
        let line = try Self.line()
        for index in 0..<20 {
            let sampled = line.scene(at: index)
            let good = line.scene(at: index, label: .ok)
            #expect(good.groundTruth == SyntheticGroundTruth(part: sampled.part, label: .ok, box: nil))
            var stripped = sampled
            stripped.defect = nil
            #expect(line.render(stripped) == line.render(good))
        }
    }

    @Test(
        "bad configurations are refused naming the field",
        arguments: [
            (SyntheticInspectionLine.Configuration(width: 8), "width", SyntheticLineError.Code.invalidSize),
            (.init(height: 100_000), "height", .invalidSize),
            (.init(defectRate: 1.5), "defectRate", .invalidDefectRate),
            (.init(defectRate: -0.1), "defectRate", .invalidDefectRate),
            (.init(defectRate: .nan), "defectRate", .invalidDefectRate),
            (.init(partFraction: 0.05), "partFraction", .invalidPartFraction),
        ]
    )
    func badConfiguration(configuration: SyntheticInspectionLine.Configuration, field: String, code: SyntheticLineError.Code) {
        let error = #expect(throws: SyntheticLineError.self) {
            try SyntheticInspectionLine(configuration: configuration)
        }
        #expect(error?.field == field)
        #expect(error?.code == code)
    }
}
