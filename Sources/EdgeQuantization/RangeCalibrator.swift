import EdgeInference

/// Collects per-tensor activation ranges by running the FP32 model with the intermediate values
/// exposed as extra graph outputs. MinMax needs one pass; Percentile and Entropy first find the
/// observed extent, then fill a histogram over it in a second pass (exact, no re-binning).
public struct RangeCalibrator {
    public var options: QuantizationOptions
    /// Called after each calibration batch with (done, total).
    public var progress: (Int, Int) -> Void

    public init(options: QuantizationOptions, progress: @escaping (Int, Int) -> Void = { _, _ in }) {
        self.options = options
        self.progress = progress
    }

    public func ranges(model: Model, tensors: [String], calibration: CalibrationSet) throws(QuantizationError) -> [String: TensorRange] {
        var probe = model
        let existing = Set(model.graph.outputs.map(\.name))
        for name in tensors where !existing.contains(name) {
            probe.graph.outputs.append(ValueInfo(name: name, elementType: .float32, shape: nil))
        }
        let compiled: CompiledModel
        do { compiled = try CompiledModel(model: probe) } catch {
            throw QuantizationError(code: .invalidModel, message: "cannot run the FP32 model for calibration: \(error)")
        }
        let session = compiled.makeSession()
        let passes = options.method == .minmax ? 1 : 2
        let total = calibration.samples.count * passes
        var done = 0
        func run(_ sample: [String: Tensor]) throws(QuantizationError) -> [String: Tensor] {
            do { return try session.run(sample) } catch {
                throw QuantizationError(code: .nonFinite, message: "calibration run failed: \(error)", value: error.node)
            }
        }
        var extent: [String: TensorRange] = [:]
        for sample in calibration.samples {
            let outputs = try run(sample)
            for name in tensors {
                guard let tensor = outputs[name], tensor.elementType == .float32 else { continue }
                let values = tensor.values(as: Float.self)
                guard let lo = values.min(), let hi = values.max() else { continue }
                if !lo.isFinite || !hi.isFinite {
                    throw QuantizationError(code: .nonFinite, message: "activation holds NaN or infinity during calibration", value: name)
                }
                let old = extent[name] ?? TensorRange(min: lo, max: hi)
                extent[name] = TensorRange(min: Swift.min(old.min, lo), max: Swift.max(old.max, hi))
            }
            done += 1
            progress(done, total)
        }
        if options.method == .minmax { return extent }

        var histograms: [String: Histogram] = [:]
        for (name, range) in extent {
            switch options.method {
            case .percentile: histograms[name] = Histogram(bins: options.percentileBins, lower: range.min, upper: range.max)
            default:
                let a = Swift.max(abs(range.min), abs(range.max))
                histograms[name] = Histogram(bins: options.entropyBins, lower: -a, upper: a)
            }
        }
        for sample in calibration.samples {
            let outputs = try run(sample)
            for name in tensors {
                guard let tensor = outputs[name], tensor.elementType == .float32 else { continue }
                histograms[name]?.add(tensor.values(as: Float.self))
            }
            done += 1
            progress(done, total)
        }
        var result: [String: TensorRange] = [:]
        for (name, histogram) in histograms {
            guard let observed = extent[name] else { continue }
            switch options.method {
            case .percentile:
                result[name] = histogram.percentileRange(options.percentile)
            default:
                var r = histogram.entropyRange(quantizedBins: options.entropyQuantizedBins)
                // Like ORT: never wider than what was observed.
                r.min = Swift.max(r.min, observed.min)
                r.max = Swift.min(r.max, observed.max)
                result[name] = r
            }
        }
        return result
    }
}
