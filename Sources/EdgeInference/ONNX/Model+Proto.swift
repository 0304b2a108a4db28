/// Conversion between the protobuf messages and the IR.
extension Model {
    /// Builds the IR from a decoded model.
    ///
    /// - Parameters:
    ///   - proto: the decoded `ModelProto`.
    ///   - baseDirectory: directory that external data locations are relative to; nil when
    ///     the model did not come from a file (external tensors are then an error).
    public init(proto: ModelProto, baseDirectory: String?) throws(ONNXError) {
        guard let graphProto = proto.graph else {
            throw ONNXError(code: .invalidModel, message: "model has no graph", field: "ModelProto.graph")
        }
        var opsets: [String: Int] = [:]
        for entry in proto.opsetImports {
            let domain = entry.domain == "ai.onnx" ? "" : entry.domain
            guard entry.version >= 1, entry.version <= 1000 else {
                throw ONNXError(
                    code: .invalidModel,
                    message: "opset version \(entry.version) for domain '\(entry.domain)' is out of range",
                    field: "ModelProto.opset_import"
                )
            }
            opsets[domain] = max(opsets[domain] ?? 0, Int(entry.version))
        }
        if opsets[""] == nil, proto.opsetImports.isEmpty {
            throw ONNXError(code: .invalidModel, message: "model has no opset_import", field: "ModelProto.opset_import")
        }
        let resolver = ExternalDataResolver(baseDirectory: baseDirectory)
        self.init(
            irVersion: Int(clamping: proto.irVersion),
            producerName: proto.producerName,
            producerVersion: proto.producerVersion,
            domain: proto.domain,
            modelVersion: Int(clamping: proto.modelVersion),
            docString: proto.docString,
            opsets: opsets,
            metadata: proto.metadataProps,
            graph: try Graph(proto: graphProto, external: resolver)
        )
    }

    /// Where ``proto(externalData:)`` puts large tensors.
    public struct ExternalDataPolicy: Sendable {
        /// File name, relative to the model's directory.
        public var location: String
        /// Tensors of at least this many bytes go to the external file.
        public var threshold: Int

        public init(location: String, threshold: Int = 4096) {
            self.location = location
            self.threshold = threshold
        }
    }

    /// The protobuf form of the model and, with a policy, the bytes of the external data file.
    ///
    /// Tensor values are always written as `raw_data`. External offsets are aligned to 4096
    /// bytes so the file can be mapped page by page, as the ONNX spec recommends.
    public func proto(externalData: ExternalDataPolicy? = nil) -> (model: ModelProto, externalBytes: [UInt8]) {
        var p = ModelProto()
        p.irVersion = Int64(irVersion)
        p.producerName = producerName
        p.producerVersion = producerVersion
        p.domain = domain
        p.modelVersion = Int64(modelVersion)
        p.docString = docString
        p.opsetImports = opsets.sorted { $0.key < $1.key }.map {
            OperatorSetIdProto(domain: $0.key, version: Int64($0.value))
        }
        p.metadataProps = metadata
        var blob: [UInt8] = []
        p.graph = graph.proto(externalData: externalData, blob: &blob)
        return (p, blob)
    }
}

extension Graph {
    init(proto: GraphProto, external: ExternalDataResolver) throws(ONNXError) {
        guard proto.sparseInitializerCount == 0 else {
            throw ONNXError(
                code: .unsupported,
                message: "graph '\(proto.name)' has sparse initializers, which are not supported",
                field: "GraphProto.sparse_initializer"
            )
        }
        var initializers: [String: Tensor] = [:]
        for tensorProto in proto.initializers {
            guard !tensorProto.name.isEmpty else {
                throw ONNXError(
                    code: .invalidModel,
                    message: "initializer without a name",
                    field: "GraphProto.initializer"
                )
            }
            guard initializers[tensorProto.name] == nil else {
                throw ONNXError(
                    code: .invalidModel,
                    message: "initializer '\(tensorProto.name)' is defined twice",
                    field: "GraphProto.initializer"
                )
            }
            initializers[tensorProto.name] = try Tensor(proto: tensorProto, external: external)
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(proto.nodes.count)
        for nodeProto in proto.nodes {
            nodes.append(try Node(proto: nodeProto, external: external))
        }
        var valueInfo: [String: ValueInfo] = [:]
        for info in proto.valueInfo { valueInfo[info.name] = ValueInfo(proto: info) }
        self.init(
            name: proto.name,
            nodes: nodes,
            initializers: initializers,
            inputs: proto.inputs.map(ValueInfo.init(proto:)),
            outputs: proto.outputs.map(ValueInfo.init(proto:)),
            valueInfo: valueInfo
        )
    }

    func proto(externalData: Model.ExternalDataPolicy?, blob: inout [UInt8]) -> GraphProto {
        var p = GraphProto()
        p.name = name
        p.nodes = nodes.map { $0.proto(externalData: externalData, blob: &blob) }
        for key in initializers.keys.sorted() {
            let tensor = initializers[key]!
            var tp = tensor.proto(name: key)
            if let policy = externalData, tensor.data.count >= policy.threshold {
                let padding = (4096 - blob.count % 4096) % 4096
                blob.append(contentsOf: repeatElement(0, count: padding))
                let offset = blob.count
                tensor.data.withUnsafeBytes { blob.append(contentsOf: $0) }
                tp.rawData = nil
                tp.dataLocation = TensorProto.locationExternal
                tp.externalData = [
                    StringStringEntryProto(key: "location", value: policy.location),
                    StringStringEntryProto(key: "offset", value: "\(offset)"),
                    StringStringEntryProto(key: "length", value: "\(tensor.data.count)"),
                ]
            }
            p.initializers.append(tp)
        }
        p.inputs = inputs.map { $0.proto() }
        p.outputs = outputs.map { $0.proto() }
        p.valueInfo = valueInfo.keys.sorted().map { valueInfo[$0]!.proto() }
        return p
    }
}

extension Node {
    init(proto: NodeProto, external: ExternalDataResolver) throws(ONNXError) {
        guard !proto.opType.isEmpty else {
            throw ONNXError(
                code: .invalidModel,
                message: "node without op_type",
                field: "NodeProto.op_type",
                node: proto.name
            )
        }
        var attributes: [String: Attribute] = [:]
        for a in proto.attributes {
            do {
                attributes[a.name] = try Attribute(proto: a, external: external)
            } catch {
                var e = error
                if e.node == nil { e.node = proto.name.isEmpty ? proto.opType : proto.name }
                throw e
            }
        }
        self.init(
            name: proto.name,
            opType: proto.opType,
            domain: proto.domain == "ai.onnx" ? "" : proto.domain,
            inputs: proto.inputs,
            outputs: proto.outputs,
            attributes: attributes
        )
    }

    func proto(externalData: Model.ExternalDataPolicy?, blob: inout [UInt8]) -> NodeProto {
        var p = NodeProto()
        p.name = name
        p.opType = opType
        p.domain = domain
        p.inputs = inputs
        p.outputs = outputs
        p.attributes = attributes.keys.sorted().map {
            attributes[$0]!.proto(name: $0, externalData: externalData, blob: &blob)
        }
        return p
    }
}

extension Attribute {
    init(proto a: AttributeProto, external: ExternalDataResolver) throws(ONNXError) {
        typealias Kind = AttributeProto.AttributeType
        var kind = Kind(rawValue: a.type) ?? .undefined
        if kind == .undefined {
            // Very old exporters leave `type` unset; infer it from the field that is present.
            if a.t != nil {
                kind = .tensor
            } else if a.g != nil {
                kind = .graph
            } else if !a.floats.isEmpty {
                kind = .floats
            } else if !a.ints.isEmpty {
                kind = .ints
            } else if !a.strings.isEmpty {
                kind = .strings
            } else if !a.s.isEmpty {
                kind = .string
            } else if a.f != 0 {
                kind = .float
            } else {
                kind = .int
            }
        }
        func missing() -> ONNXError {
            ONNXError(
                code: .invalidModel,
                message: "attribute '\(a.name)' of type \(kind) has no value",
                field: "AttributeProto.\(a.name)"
            )
        }
        switch kind {
        case .float: self = .float(a.f)
        case .int: self = .int(Int(truncatingIfNeeded: a.i))
        case .string: self = .string(String(decoding: a.s, as: UTF8.self))
        case .tensor:
            guard let t = a.t else { throw missing() }
            self = .tensor(try Tensor(proto: t, external: external))
        case .graph:
            guard let g = a.g else { throw missing() }
            self = .graph(try Graph(proto: g, external: external))
        case .floats: self = .floats(a.floats)
        case .ints: self = .ints(a.ints.map { Int(truncatingIfNeeded: $0) })
        case .strings: self = .strings(a.strings.map { String(decoding: $0, as: UTF8.self) })
        case .tensors:
            var list: [Tensor] = []
            for t in a.tensors { list.append(try Tensor(proto: t, external: external)) }
            self = .tensors(list)
        case .graphs:
            var list: [Graph] = []
            for g in a.graphs { list.append(try Graph(proto: g, external: external)) }
            self = .graphs(list)
        case .undefined, .sparseTensor, .sparseTensors, .typeProto, .typeProtos:
            throw ONNXError(
                code: .unsupported,
                message: "attribute '\(a.name)' has unsupported type \(kind)",
                field: "AttributeProto.\(a.name)"
            )
        }
    }

    func proto(name: String, externalData: Model.ExternalDataPolicy?, blob: inout [UInt8]) -> AttributeProto {
        typealias Kind = AttributeProto.AttributeType
        var p = AttributeProto()
        p.name = name
        let kind: Kind
        switch self {
        case .float(let v): kind = .float; p.f = v
        case .int(let v): kind = .int; p.i = Int64(v)
        case .string(let v): kind = .string; p.s = Array(v.utf8)
        case .tensor(let t): kind = .tensor; p.t = t.proto(name: "")
        case .graph(let g): kind = .graph; p.g = g.proto(externalData: nil, blob: &blob)
        case .floats(let v): kind = .floats; p.floats = v
        case .ints(let v): kind = .ints; p.ints = v.map { Int64($0) }
        case .strings(let v): kind = .strings; p.strings = v.map { Array($0.utf8) }
        case .tensors(let v): kind = .tensors; p.tensors = v.map { $0.proto(name: "") }
        case .graphs(let v): kind = .graphs; p.graphs = v.map { $0.proto(externalData: nil, blob: &blob) }
        }
        p.type = kind.rawValue
        return p
    }
}

extension ValueInfo {
    init(proto: ValueInfoProto) {
        if case .tensor(let code, let shape)? = proto.type?.kind {
            self.init(name: proto.name, elementType: ElementType(rawValue: code), shape: shape)
        } else {
            self.init(name: proto.name, elementType: nil, shape: nil)
        }
    }

    func proto() -> ValueInfoProto {
        let type: TypeProto? =
            elementType == nil && shape == nil
            ? nil : TypeProto(kind: .tensor(elementType: elementType?.rawValue ?? 0, shape: shape))
        return ValueInfoProto(name: name, type: type)
    }
}
