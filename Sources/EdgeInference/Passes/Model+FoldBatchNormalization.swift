/// Pass: BatchNormalization folded into the preceding Conv, ConvTranspose or Gemm.
///
/// y = (conv(x) − mean) · γ/√(var+ε) + β is a per-output-channel affine map, so it folds into
/// the producer's weights and bias. Arithmetic is in Double and rounded once to float32.
/// Folded weights get new initializer names, so weights shared with other nodes are untouched.
extension Model {
    mutating func foldBatchNormalization() throws(ONNXError) {
        var index = 0
        while index < graph.nodes.count {
            if try foldBatchNormalization(at: index) { continue }
            index += 1
        }
    }

    /// Folds the BN at `index` if possible; returns true when the graph changed.
    private mutating func foldBatchNormalization(at index: Int) throws(ONNXError) -> Bool {
        let bn = graph.nodes[index]
        guard bn.domain.isEmpty, bn.opType == "BatchNormalization", bn.outputs.count == 1,
            let x = bn.input(0), !graph.isGraphOutput(x), graph.consumerCounts()[x] == 1,
            let producerIndex = graph.producerIndex(of: x), producerIndex < index
        else { return false }
        let params = (1...4).map { bn.input($0).flatMap { graph.initializers[$0] } }
        guard params.allSatisfy({ $0?.elementType == .float32 }) else { return false }
        let gamma = params[0]!.doubles(), beta = params[1]!.doubles()
        let mean = params[2]!.doubles(), variance = params[3]!.doubles()
        let epsilon = Double(try bn.float("epsilon", default: 1e-5))
        let channels = gamma.count
        guard channels > 0, beta.count == channels, mean.count == channels, variance.count == channels else {
            return false
        }
        var factor = [Double](repeating: 0, count: channels)
        var shift = [Double](repeating: 0, count: channels)
        for c in 0..<channels {
            factor[c] = gamma[c] / (variance[c] + epsilon).squareRoot()
            shift[c] = beta[c] - mean[c] * factor[c]
        }

        var producer = graph.nodes[producerIndex]
        guard producer.domain.isEmpty, producer.outputs.first == x,
            let wName = producer.input(1), let w = graph.initializers[wName], w.elementType == .float32, w.count > 0
        else { return false }
        let biasTensor = producer.input(2).map { graph.initializers[$0] }
        if case .some(nil) = biasTensor { return false }  // bias computed at run time: leave alone
        let bias = biasTensor??.doubles()

        switch producer.opType {
        case "Conv":
            guard w.rank >= 1, w.shape[0] == channels, bias == nil || bias!.count == channels else { return false }
            let perChannel = w.count / channels
            var weights = w.doubles()
            for i in weights.indices { weights[i] *= factor[i / perChannel] }
            let newBias = (0..<channels).map { (bias?[$0] ?? 0) * factor[$0] + shift[$0] }
            producer.inputs = [
                producer.inputs[0], store(weights, w.shape, wName), store(newBias, [channels], "\(wName)_bias"),
            ]
        case "ConvTranspose":
            // W is [C_in, C_out/group, k...]; output channel of (i, j) is (i / (C_in/group)) · (C_out/group) + j.
            let group = try producer.int("group", default: 1)
            guard w.rank >= 2, group >= 1, w.shape[0] % group == 0, w.shape[1] * group == channels,
                bias == nil || bias!.count == channels
            else { return false }
            let inPerGroup = w.shape[0] / group
            let outPerGroup = w.shape[1]
            let kernel = w.count / (w.shape[0] * w.shape[1])
            var weights = w.doubles()
            for i in 0..<w.shape[0] {
                for j in 0..<outPerGroup {
                    let f = factor[(i / inPerGroup) * outPerGroup + j]
                    let base = (i * outPerGroup + j) * kernel
                    for k in 0..<kernel { weights[base + k] *= f }
                }
            }
            let newBias = (0..<channels).map { (bias?[$0] ?? 0) * factor[$0] + shift[$0] }
            producer.inputs = [
                producer.inputs[0], store(weights, w.shape, wName), store(newBias, [channels], "\(wName)_bias"),
            ]
        case "Gemm":
            guard try foldIntoGemm(&producer, w: w, wName: wName, factor: factor, shift: shift) else { return false }
        default:
            return false
        }
        producer.outputs[0] = bn.outputs[0]
        graph.nodes[producerIndex] = producer
        graph.nodes.remove(at: index)
        return true
    }

    private mutating func foldIntoGemm(
        _ gemm: inout Node,
        w: Tensor,
        wName: String,
        factor: [Double],
        shift: [Double]
    ) throws(ONNXError) -> Bool {
        let n = factor.count
        let transB = try gemm.int("transB", default: 0) != 0
        guard w.rank == 2, (transB ? w.shape[0] : w.shape[1]) == n else { return false }
        let beta = Double(try gemm.float("beta", default: 1))
        var weights = w.doubles()
        for r in 0..<w.shape[0] {
            for col in 0..<w.shape[1] {
                weights[r * w.shape[1] + col] *= factor[transB ? r : col]
            }
        }
        // C broadcasts to [M, N]; the BN channel is the last axis.
        var newC: [Double]
        var cShape: [Int]
        if let cName = gemm.input(2) {
            guard let c = graph.initializers[cName], c.elementType == .float32 else { return false }
            let values = c.doubles()
            switch c.shape {
            case [], [1], [1, 1]:
                newC = (0..<n).map { beta * values[0] * factor[$0] + shift[$0] }
                cShape = [n]
            case [n], [1, n]:
                newC = (0..<n).map { beta * values[$0] * factor[$0] + shift[$0] }
                cShape = [n]
            case let s where s.count == 2 && s[1] == n:
                newC = values.indices.map { beta * values[$0] * factor[$0 % n] + shift[$0 % n] }
                cShape = s
            case let s where s.count == 2 && s[1] == 1:
                newC = (0..<(s[0] * n)).map { beta * values[$0 / n] * factor[$0 % n] + shift[$0 % n] }
                cShape = [s[0], n]
            default:
                return false
            }
        } else {
            newC = shift
            cShape = [n]
        }
        gemm.inputs = [gemm.inputs[0], store(weights, w.shape, wName), store(newC, cShape, "\(wName)_bias")]
        gemm.attributes["beta"] = .float(1)
        return true
    }

    private mutating func store(_ values: [Double], _ shape: [Int], _ base: String) -> String {
        graph.addInitializer(Tensor(floats: values.map { Float($0) }, shape: shape), base: "\(base)_bnfolded")
    }
}
