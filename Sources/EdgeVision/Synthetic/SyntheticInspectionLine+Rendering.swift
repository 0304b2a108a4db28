extension SyntheticInspectionLine {
    /// Renders a scene to RGB.
    ///
    /// Four passes over a float radiance buffer: conveyor belt, part (with its defect), dust,
    /// then exposure (light level and gradient), sensor noise and quantisation. The part pass
    /// touches only the part's bounding square and the defect code only the defect's box,
    /// which is why rendering without the defect changes nothing outside that box.
    public func render(_ scene: SyntheticScene) -> Image {
        let count = scene.width * scene.height * 3
        var radiance = [Float](repeating: 0, count: count)
        radiance.withUnsafeMutableBufferPointer { buffer in
            drawBelt(scene, into: buffer)
            drawPart(scene, into: buffer)
            drawDust(scene, into: buffer)
        }
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            radiance.withUnsafeBufferPointer { input in
                expose(scene, radiance: input, into: output)
            }
            initialized = count
        }
        return Image(width: scene.width, height: scene.height, format: .rgb8, pixels: pixels)
    }

    /// Dark rubber belt with fine grain along the travel direction (x); it moves per frame.
    private func drawBelt(_ scene: SyntheticScene, into buffer: UnsafeMutableBufferPointer<Float>) {
        let width = scene.width
        let mask = Self.beltPeriod - 1
        beltRows.withUnsafeBufferPointer { rows in
            beltColumns.withUnsafeBufferPointer { columns in
                var o = 0
                for y in 0..<scene.height {
                    let rowFactor = 1 + 0.07 * rows[y & mask]
                    for x in 0..<width {
                        let f = rowFactor + 0.05 * columns[(x + scene.beltOffset) & mask]
                        buffer[o] = 0.17 * f
                        buffer[o + 1] = 0.18 * f
                        buffer[o + 2] = 0.19 * f
                        o += 3
                    }
                }
            }
        }
    }

    private func drawPart(_ scene: SyntheticScene, into buffer: UnsafeMutableBufferPointer<Float>) {
        let geometry = scene.geometry
        let ppu = scene.pixelsPerUnit
        let blur = scene.edgeBlur
        // Coverage ramps from 1 to 0 across `blur` pixels centred on the outline.
        let rampScale = ppu / blur
        let halfRamp = 0.5 * blur / ppu
        let reach = geometry.boundingRadius * ppu + blur + 1
        let x0 = max(0, Int((scene.center.x - reach).rounded(.down)))
        let x1 = min(scene.width, Int((scene.center.x + reach).rounded(.up)))
        let y0 = max(0, Int((scene.center.y - reach).rounded(.down)))
        let y1 = min(scene.height, Int((scene.center.y + reach).rounded(.up)))
        guard x0 < x1, y0 < y1 else { return }

        let c = SyntheticMath.cos(scene.rotation)
        let s = SyntheticMath.sin(scene.rotation)
        let painter = SyntheticDefectPainter(scene: scene)
        let shader = SyntheticSurfaceShader(scene: scene)
        let ringRadiusSquared = SyntheticPartGeometry.boardPadRingRadius * SyntheticPartGeometry.boardPadRingRadius

        geometry.holes.withUnsafeBufferPointer { holes in
            painter.strokePoints.withUnsafeBufferPointer { strokePoints in
                for y in y0..<y1 {
                    let dy = Float(y) + 0.5 - scene.center.y
                    let dx0 = Float(x0) + 0.5 - scene.center.x
                    let u0 = (c * dx0 + s * dy) / ppu
                    let v0 = (-s * dx0 + c * dy) / ppu
                    let inDefectRows = y >= painter.box.y && y < painter.box.maxY
                    var o = (y * scene.width + x0) * 3
                    for x in x0..<x1 {
                        defer { o += 3 }
                        let step = Float(x - x0)
                        let u = u0 + step * c / ppu
                        let v = v0 - step * s / ppu
                        var d = geometry.outerDistance(u, v)
                        if d >= halfRamp { continue }
                        var nearestHoleSquared = Float.greatestFiniteMagnitude
                        for i in 0..<holes.count {
                            let hole = holes[i]
                            let hx = u - hole.x
                            let hy = v - hole.y
                            let distanceSquared = hx * hx + hy * hy
                            nearestHoleSquared = min(nearestHoleSquared, distanceSquared)
                            let influence = hole.z + halfRamp
                            if i != painter.missingHole, distanceSquared < influence * influence {
                                d = max(d, hole.z - distanceSquared.squareRoot())
                            }
                        }
                        let alpha = min(max(0.5 - d * rampScale, 0), 1)
                        if alpha <= 0 { continue }
                        var color = shader.color(u, v, onPadRing: nearestHoleSquared < ringRadiusSquared)
                        if inDefectRows, x >= painter.box.x, x < painter.box.maxX {
                            color = painter.paint(color, u, v, strokePoints: strokePoints, rampScale: rampScale)
                        }
                        let background = SIMD3(buffer[o], buffer[o + 1], buffer[o + 2])
                        let mixed = background + alpha * (color - background)
                        buffer[o] = mixed.x
                        buffer[o + 1] = mixed.y
                        buffer[o + 2] = mixed.z
                    }
                }
            }
        }
    }

    private func drawDust(_ scene: SyntheticScene, into buffer: UnsafeMutableBufferPointer<Float>) {
        for speck in scene.dust {
            let x0 = max(0, Int((speck.center.x - speck.radius).rounded(.down)))
            let x1 = min(scene.width, Int((speck.center.x + speck.radius).rounded(.up)))
            let y0 = max(0, Int((speck.center.y - speck.radius).rounded(.down)))
            let y1 = min(scene.height, Int((speck.center.y + speck.radius).rounded(.up)))
            let inverseRadiusSquared = 1 / (speck.radius * speck.radius)
            guard x0 < x1, y0 < y1 else { continue }
            for y in y0..<y1 {
                let dy = Float(y) + 0.5 - speck.center.y
                for x in x0..<x1 {
                    let dx = Float(x) + 0.5 - speck.center.x
                    let t = (dx * dx + dy * dy) * inverseRadiusSquared
                    if t >= 1 { continue }
                    let a = speck.opacity * (1 - t)
                    let o = (y * scene.width + x) * 3
                    for k in 0..<3 {
                        buffer[o + k] += a * (speck.value - buffer[o + k])
                    }
                }
            }
        }
    }

    /// Light level × linear gradient, plus zero-mean sensor noise, to 8 bits.
    ///
    /// Noise: each row reads a contiguous run of the line's unit-noise table from an offset
    /// drawn from the frame's own noise stream, so it is identical whatever the scene
    /// content (defect or not) and differs between frames and rows.
    private func expose(
        _ scene: SyntheticScene,
        radiance: UnsafeBufferPointer<Float>,
        into output: UnsafeMutableBufferPointer<UInt8>
    ) {
        let width = Float(scene.width)
        let height = Float(scene.height)
        let rowLength = scene.width * 3
        let slope = scene.lightLevel * scene.lightGradient / (0.5 * max(width, height))
        let gx = slope * SyntheticMath.cos(scene.lightGradientAngle)
        let gy = slope * SyntheticMath.sin(scene.lightGradientAngle)
        let sigma = scene.noiseSigma
        var rng = SplitMix64(seed: scene.noiseSeed)
        noise.withUnsafeBufferPointer { table in
            for y in 0..<scene.height {
                let rowGain = scene.lightLevel + gx * (0.5 - 0.5 * width) + gy * (Float(y) + 0.5 - 0.5 * height)
                let noiseRow = table.baseAddress! + rng.nextInt(below: table.count - rowLength)
                let input = radiance.baseAddress! + y * rowLength
                let out = output.baseAddress! + y * rowLength
                for x in 0..<scene.width {
                    let gain = (rowGain + gx * Float(x)) * 255
                    for k in 0..<3 {
                        let i = 3 * x + k
                        let value = min(max((input[i] + sigma * noiseRow[i]) * gain, 0), 255)
                        // Adding 2^23 puts the rounded integer in the low mantissa bits: a
                        // conversion without the range check of UInt8(Float).
                        out[i] = UInt8(truncatingIfNeeded: (value + 8_388_608).bitPattern)
                    }
                }
            }
        }
    }
}
