/// Conversion between ``TensorProto`` and the IR ``Tensor``.
extension Tensor {
    /// Builds a tensor from its protobuf form, taking the values from `raw_data`, the typed field
    /// matching the data type, or external data.
    init(proto: TensorProto, external: ExternalDataResolver) throws(ONNXError) {
        let label = proto.name.isEmpty ? "tensor" : "tensor '\(proto.name)'"
        func invalid(_ message: String, _ field: String) -> ONNXError {
            ONNXError(code: .invalidModel, message: "\(label): \(message)", field: "TensorProto.\(field)")
        }
        guard let type = ElementType(rawValue: proto.dataType) else {
            throw ONNXError(
                code: .unsupported,
                message: "\(label): element type \(ElementType.onnxName(proto.dataType)) is not supported",
                field: "TensorProto.data_type"
            )
        }
        guard !proto.hasSegment else { throw invalid("segmented tensors are not supported", "segment") }
        var shape: [Int] = []
        for d in proto.dims {
            guard d >= 0, d <= Int64(Tensor.maxElementCount) else { throw invalid("bad dimension \(d)", "dims") }
            shape.append(Int(d))
        }
        let n: Int
        do { n = try Tensor.elementCount(of: shape) } catch { throw invalid(error.message, "dims") }
        let byteCount = n * type.byteWidth

        if proto.dataLocation == TensorProto.locationExternal {
            let slice: ByteSlice
            do { slice = try external.resolve(proto, byteCount: byteCount) } catch {
                var e = error
                e.message = e.message.hasPrefix("tensor") ? e.message : "\(label): \(e.message)"
                throw e
            }
            try self.init(elementType: type, shape: shape, data: slice)
            return
        }
        if let raw = proto.rawData {
            guard raw.count == byteCount else {
                throw invalid(
                    "raw_data has \(raw.count) bytes, shape \(shape) of \(type) needs \(byteCount)",
                    "raw_data"
                )
            }
            try self.init(elementType: type, shape: shape, data: raw)
            return
        }
        let bytes: [UInt8]
        func check(_ count: Int, _ field: String) throws(ONNXError) {
            guard count == n else { throw invalid("\(field) has \(count) values, shape \(shape) needs \(n)", field) }
        }
        switch type {
        case .float32:
            try check(proto.floatData.count, "float_data")
            bytes = proto.floatData.withUnsafeBytes { Array($0) }
        case .int32:
            try check(proto.int32Data.count, "int32_data")
            bytes = proto.int32Data.withUnsafeBytes { Array($0) }
        case .int8, .uint8, .bool:
            // One element per int32, truncated to 8 bits (ONNX stores int8 -5 as int32 -5).
            try check(proto.int32Data.count, "int32_data")
            bytes = proto.int32Data.map { UInt8(truncatingIfNeeded: $0) }
        case .int16, .uint16, .float16:
            try check(proto.int32Data.count, "int32_data")
            bytes = proto.int32Data.map { UInt16(truncatingIfNeeded: $0) }.withUnsafeBytes { Array($0) }
        case .int64:
            try check(proto.int64Data.count, "int64_data")
            bytes = proto.int64Data.withUnsafeBytes { Array($0) }
        case .float64:
            try check(proto.doubleData.count, "double_data")
            bytes = proto.doubleData.withUnsafeBytes { Array($0) }
        case .uint32:
            try check(proto.uint64Data.count, "uint64_data")
            bytes = proto.uint64Data.map { UInt32(truncatingIfNeeded: $0) }.withUnsafeBytes { Array($0) }
        case .uint64:
            try check(proto.uint64Data.count, "uint64_data")
            bytes = proto.uint64Data.withUnsafeBytes { Array($0) }
        }
        try self.init(elementType: type, shape: shape, data: ByteSlice(copying: bytes))
    }

    /// The protobuf form with values in `raw_data` (what ONNX tools write for initializers).
    func proto(name: String) -> TensorProto {
        TensorProto(name: name, dataType: elementType.rawValue, dims: shape.map { Int64($0) }, rawData: data)
    }
}
