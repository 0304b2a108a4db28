import Testing

@testable import EdgeInference

@Suite struct ProtoWireTests {
    @Test(arguments: [UInt64(0), 1, 127, 128, 300, 1 << 35, UInt64.max])
    func varintRoundTrip(value: UInt64) throws {
        var w = ProtoWriter()
        w.varint(value)
        var r = try ProtoReader(ByteSlice(copying: w.bytes), message: "test")
        #expect(try r.readVarint() == value)
        #expect(r.isAtEnd)
    }

    @Test func negativeInt64TakesTenBytes() throws {
        var w = ProtoWriter()
        w.int64(1, -5)
        #expect(w.bytes.count == 11)
        var r = try ProtoReader(ByteSlice(copying: w.bytes), message: "test")
        let (number, wt) = try #require(try r.nextField())
        #expect(number == 1)
        #expect(try r.readInt64(wt) == -5)
    }

    /// dims=[2,3] written unpacked (two varint fields) and packed (one LEN field) decode the same.
    @Test func packedAndUnpackedDimsAgree() throws {
        let unpacked: [UInt8] = [0x08, 0x02, 0x08, 0x03, 0x10, 0x01]
        let packed: [UInt8] = [0x0A, 0x02, 0x02, 0x03, 0x10, 0x01]
        for bytes in [unpacked, packed] {
            var r = try ProtoReader(ByteSlice(copying: bytes), message: "TensorProto")
            let t = try TensorProto(from: &r)
            #expect(t.dims == [2, 3])
            #expect(t.dataType == 1)
        }
    }

    @Test func unpackedFloatDataIsAccepted() throws {
        var w = ProtoWriter()
        w.float(4, 1.5)
        w.float(4, -2)
        w.int32(2, 1)
        var r = try ProtoReader(ByteSlice(copying: w.bytes), message: "TensorProto")
        #expect(try TensorProto(from: &r).floatData == [1.5, -2])
    }

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        var w = ProtoWriter()
        w.int64(99, 7)  // varint
        w.float(98, 1)  // fixed32
        w.tag(97, .fixed64)
        w.bytes.append(contentsOf: [UInt8](repeating: 0, count: 8))
        w.string(96, "ignored")  // length-delimited
        w.string(1, "key")
        w.string(2, "value")
        var r = try ProtoReader(ByteSlice(copying: w.bytes), message: "StringStringEntryProto")
        #expect(try StringStringEntryProto(from: &r) == StringStringEntryProto(key: "key", value: "value"))
    }

    @Test(arguments: [
        ([UInt8]([0x80]), "truncated varint"),
        ([0x3A, 0x05, 0x01], "exceeds"),
        ([0x0B], "wire type 3"),
        ([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], "varint"),
        ([0x7D, 0x00, 0x00], "truncated fixed32"),
    ])
    func malformedInputThrows(bytes: [UInt8], fragment: String) throws {
        let error = #expect(throws: ONNXError.self) {
            _ = try ModelProto(decoding: ByteSlice(copying: bytes))
        }
        #expect(error?.code == .malformed)
        #expect(error?.description.contains(fragment) == true, "\(String(describing: error))")
    }

    @Test func wrongWireTypeForKnownFieldIsAnError() throws {
        // ir_version (field 1) as a length-delimited field.
        let error = #expect(throws: ONNXError.self) {
            _ = try ModelProto(decoding: ByteSlice(copying: [0x0A, 0x00]))
        }
        #expect(error?.field == "ModelProto.1")
    }

    @Test func deepNestingIsRejected() throws {
        // AttributeProto.g → GraphProto.node → NodeProto.attribute → ... nested 100 times.
        var body: [UInt8] = []
        for level in 0..<99 {
            var w = ProtoWriter()
            let inner = body
            if level % 3 == 0 {
                w.bytes(6, inner)  // attribute.g
            } else if level % 3 == 1 {
                w.bytes(5, inner)  // node.attribute
            } else {
                w.bytes(1, inner)  // graph.node
            }
            body = w.bytes
        }
        var model = ProtoWriter()
        model.bytes(7, body)
        #expect(throws: ONNXError.self) { _ = try ModelProto(decoding: ByteSlice(copying: model.bytes)) }
    }
}
