extension SyntheticInspectionLine {
    /// The random content of frame `index`: part, pose, lighting, nuisances and defect.
    public func scene(at index: Int) -> SyntheticScene {
        sampleScene(index: index, forcedLabel: nil)
    }

    /// Frame `index` with its label forced (the synthetic camera's "inject a defect"); every
    /// other draw is the same as for ``scene(at:)``, so only the defect differs.
    public func scene(at index: Int, label: SyntheticLabel) -> SyntheticScene {
        sampleScene(index: index, forcedLabel: label)
    }

    private func sampleScene(index: Int, forcedLabel: SyntheticLabel?) -> SyntheticScene {
        // Odd stream numbers for frames; the belt texture uses an even one. Any Int is a
        // valid index (negative ones wrap), so no input can trap here.
        var rng = SplitMix64(seed: configuration.seed, stream: UInt64(bitPattern: Int64(index)) << 1 | 1)
        let width = Float(configuration.width)
        let height = Float(configuration.height)
        let shortSide = min(width, height)

        // Both label draws happen whatever the outcome, so forcing a label shifts nothing else.
        let defective = rng.chance(configuration.defectRate)
        let classes = SyntheticDefectClass.allCases
        let drawnClass = classes[rng.nextInt(below: classes.count)]
        let label = forcedLabel ?? (defective ? .defect(drawnClass) : .ok)

        let part: SyntheticPartKind = rng.chance(0.5) ? .disc : .pcb
        let geometry: SyntheticPartGeometry =
            switch part {
            case .disc: .disc(boltHoles: rng.chance(0.5) ? 4 : 6)
            case .pcb: .pcb()
            }

        let jitter = 0.03 * shortSide
        let center = SIMD2<Float>(
            0.5 * width + rng.uniform(-jitter, jitter),
            0.5 * height + rng.uniform(-jitter, jitter)
        )
        let rotation: Float =
            switch part {
            case .disc: rng.uniform(0, 2 * .pi)
            // Boards arrive roughly aligned, either way round.
            case .pcb: rng.uniform(-0.26, 0.26) + (rng.chance(0.5) ? .pi : 0)
            }
        let pixelsPerUnit =
            configuration.partFraction * shortSide / 2 / geometry.boundingRadius * rng.uniform(0.96, 1.04)

        let albedo: SIMD3<Float>
        switch part {
        case .disc:
            let grey = rng.uniform(0.52, 0.66)
            albedo = SIMD3(0.99 * grey, grey, 1.03 * grey)
        case .pcb:
            albedo = SIMD3(rng.uniform(0.08, 0.12), rng.uniform(0.33, 0.40), rng.uniform(0.18, 0.23))
        }
        let sheenAngle = rng.uniform(0, .pi)
        let lightLevel = rng.uniform(0.8, 1.15)
        let lightGradient = rng.uniform(0, 0.3)
        let lightGradientAngle = rng.uniform(0, 2 * .pi)
        let edgeBlur = rng.uniform(0.7, 1.8)
        let noiseSigma = rng.uniform(0.004, 0.02)
        let beltOffset = rng.nextInt(below: Self.beltPeriod)

        let dustScale = shortSide / 128
        let dust = (0..<rng.nextInt(below: 7)).map { _ in
            SyntheticScene.DustSpeck(
                center: SIMD2(rng.uniform(0, width), rng.uniform(0, height)),
                radius: rng.uniform(0.5, 1.3) * dustScale,
                value: rng.chance(0.7) ? rng.uniform(0.05, 0.2) : rng.uniform(0.7, 0.9),
                opacity: rng.uniform(0.3, 0.8)
            )
        }
        let noiseSeed = rng.next()

        var defect: SyntheticDefect?
        if case .defect(let defectClass) = label {
            defect = Self.sampleDefect(defectClass, on: geometry, rng: &rng)
        }
        return SyntheticScene(
            index: index,
            width: configuration.width,
            height: configuration.height,
            part: part,
            defect: defect,
            geometry: geometry,
            center: center,
            rotation: rotation,
            pixelsPerUnit: pixelsPerUnit,
            albedo: albedo,
            sheenAngle: sheenAngle,
            lightLevel: lightLevel,
            lightGradient: lightGradient,
            lightGradientAngle: lightGradientAngle,
            edgeBlur: edgeBlur,
            noiseSigma: noiseSigma,
            beltOffset: beltOffset,
            dust: dust,
            noiseSeed: noiseSeed
        )
    }

    /// Draws a defect that lies on material (clear of edges and holes).
    ///
    /// One in five defects is "faint": contrast in the bottom quarter of its class range.
    /// The ranges start where a careful look at the 128×128 frame still finds the defect
    /// (peak change several times the noise of the dimmest, noisiest frame; strokes at least
    /// one pixel wide; dents wider than dust): a defect the label names but no pixel shows
    /// would only teach a classifier label noise.
    static func sampleDefect(
        _ defectClass: SyntheticDefectClass,
        on geometry: SyntheticPartGeometry,
        rng: inout SplitMix64
    ) -> SyntheticDefect {
        let visibility = rng.chance(0.2) ? rng.uniform(0, 0.25) : rng.uniform(0.25, 1)
        func contrast(_ low: Float, _ high: Float) -> Float { low + (high - low) * visibility }
        var defect = SyntheticDefect(
            defectClass: defectClass,
            contrast: 0,
            shape: .hole(index: 0),
            sign: 1,
            lightDirection: .zero,
            tint: .zero
        )
        switch defectClass {
        case .scratch:
            let length = rng.uniform(0.3, 0.8)
            let halfWidth = rng.uniform(0.01, 0.022)
            defect.contrast = contrast(0.12, 0.4)
            defect.sign = rng.chance(0.65) ? 1 : -1
            defect.shape = place(on: geometry, clearance: halfWidth + 0.03, rng: &rng) { origin, angle, scale, _ in
                let half = 0.5 * length * scale * SIMD2(SyntheticMath.cos(angle), SyntheticMath.sin(angle))
                return .stroke(points: [origin - half, origin, origin + half], halfWidth: halfWidth)
            }
        case .crack:
            // Fewer, longer segments with a kink of at least 0.4 rad at every joint: a crack
            // must look jagged at 128×128, or it is a dark scratch.
            let segments = 3 + rng.nextInt(below: 4)
            let length = rng.uniform(0.3, 0.7)
            let halfWidth = rng.uniform(0.008, 0.014)
            defect.contrast = contrast(0.2, 0.5)
            defect.sign = -1
            defect.shape = place(on: geometry, clearance: halfWidth + 0.03, rng: &rng) { origin, angle, scale, rng in
                var heading = angle
                var point = origin
                var points = [point]
                for _ in 0..<segments {
                    heading += rng.uniform(0.4, 0.9) * (rng.chance(0.5) ? 1 : -1)
                    point += length * scale / Float(segments) * SIMD2(SyntheticMath.cos(heading), SyntheticMath.sin(heading))
                    points.append(point)
                }
                return .stroke(points: points, halfWidth: halfWidth)
            }
        case .dent:
            // At least 3.5 px across at 128×128: dust specks are at most 2.6 px.
            let radius = rng.uniform(0.07, 0.14)
            defect.contrast = contrast(0.12, 0.4)
            defect.sign = -1
            if rng.chance(0.5) {
                let angle = rng.uniform(0, 2 * .pi)
                defect.lightDirection = SIMD2(SyntheticMath.cos(angle), SyntheticMath.sin(angle))
            }
            // Clearance is checked at the centre with the full radius, so shrinking would not
            // help placement: a dent keeps its drawn size.
            defect.shape = place(on: geometry, clearance: radius + 0.02, rng: &rng) { origin, _, _, _ in
                .blob(center: origin, radius: radius)
            }
        case .discoloration:
            let radius = rng.uniform(0.15, 0.45)
            let tints: [SIMD3<Float>] = [SIMD3(0.6, -0.1, -0.6), SIMD3(-0.5, -0.2, 0.7), SIMD3(0.5, 0.4, -0.6)]
            defect.tint = tints[rng.nextInt(below: tints.count)]
            // A tint scales the surface colour, so on the dark green board it needs more
            // strength than on bright metal to show the same change.
            defect.contrast = contrast(0.12, 0.45) * (geometry.kind == .pcb ? 1.6 : 1)
            // The patch may run over an edge or a hole; only its centre must be on material.
            defect.shape = place(on: geometry, clearance: 0.05, rng: &rng) { origin, _, _, _ in
                .blob(center: origin, radius: radius)
            }
        case .missingHole:
            let holes = geometry.drillableHoles
            defect.contrast = 1
            defect.shape = .hole(index: holes.lowerBound + rng.nextInt(below: holes.count))
        }
        return defect
    }

    /// Rejection-samples a position and heading whose shape keeps `clearance` from every edge
    /// and hole, shrinking the shape by a quarter every 16 failed tries (never below 0.56 of
    /// its drawn size, so it stays visible); the last try is kept regardless.
    private static func place(
        on geometry: SyntheticPartGeometry,
        clearance: Float,
        rng: inout SplitMix64,
        make: (SIMD2<Float>, Float, Float, inout SplitMix64) -> SyntheticDefect.Shape
    ) -> SyntheticDefect.Shape {
        var scale: Float = 1
        var shape = SyntheticDefect.Shape.hole(index: 0)
        for attempt in 0..<48 {
            if attempt > 0, attempt % 16 == 0 { scale *= 0.75 }
            let origin: SIMD2<Float>
            switch geometry.kind {
            case .disc:
                let radius = rng.uniform(0.28 * 0.28, 0.9 * 0.9).squareRoot()
                let angle = rng.uniform(0, 2 * .pi)
                origin = radius * SIMD2(SyntheticMath.cos(angle), SyntheticMath.sin(angle))
            case .pcb:
                origin = SIMD2(rng.uniform(-0.85, 0.85), rng.uniform(-0.57, 0.57))
            }
            shape = make(origin, rng.uniform(0, 2 * .pi), scale, &rng)
            if isClear(shape, on: geometry, clearance: clearance) { return shape }
        }
        return shape
    }

    private static func isClear(_ shape: SyntheticDefect.Shape, on geometry: SyntheticPartGeometry, clearance: Float) -> Bool {
        switch shape {
        case .stroke(let points, _):
            // Vertices and segment midpoints: segments are short against hole sizes.
            var onChip = 0
            for (i, point) in points.enumerated() {
                if geometry.materialDistance(point) > -clearance { return false }
                if i > 0, geometry.materialDistance(0.5 * (point + points[i - 1])) > -clearance { return false }
                if geometry.isOnChip(point) { onChip += 1 }
            }
            // A stroke may cross the chip, but a dark line lying mostly on the black chip
            // would be a label without a visible defect.
            return 2 * onChip < points.count
        case .blob(let center, _):
            // Same for a dark spot centred on the chip.
            return geometry.materialDistance(center) <= -clearance && !geometry.isOnChip(center)
        case .hole:
            return true
        }
    }
}
