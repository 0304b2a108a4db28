/// A bounds-checked reader of protobuf wire format over a ``ByteSlice``.
///
/// Every read checks the remaining length first and throws ``ONNXError/Code/malformed`` with
/// the absolute byte offset and the message/field being decoded, so corrupted or truncated
/// files never read out of bounds. Length-delimited fields come back as slices (no copy).
struct ProtoReader {
    /// Nesting limit: graphs nest through attributes, and a hostile file could recurse forever.
    static let maxDepth = 64

    let storage: ByteStorage
    private(set) var position: Int
    let end: Int
    let depth: Int
    /// Name of the message being decoded, for error messages.
    let message: String
    /// Field currently being decoded, for error messages.
    var field: Int = 0

    init(_ slice: ByteSlice, message: String, depth: Int = 0) throws(ONNXError) {
        guard depth <= Self.maxDepth else {
            throw ONNXError(
                code: .malformed,
                message: "messages nested deeper than \(Self.maxDepth) levels",
                offset: slice.offset,
                field: message
            )
        }
        self.storage = slice.storage
        self.position = slice.offset
        self.end = slice.offset + slice.count
        self.depth = depth
        self.message = message
    }

    var isAtEnd: Bool { position >= end }

    func error(_ text: String, at offset: Int? = nil) -> ONNXError {
        ONNXError(
            code: .malformed,
            message: text,
            offset: offset ?? position,
            field: field == 0 ? message : "\(message).\(field)"
        )
    }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func nextField() throws(ONNXError) -> (number: Int, wireType: WireType)? {
        guard !isAtEnd else { return nil }
        field = 0
        let start = position
        let key = try readVarint()
        let number = key >> 3
        guard number >= 1, number <= 0x1FFF_FFFF else { throw error("invalid field number \(number)", at: start) }
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw error("unsupported wire type \(key & 7)", at: start)
        }
        field = Int(number)
        return (Int(number), wireType)
    }

    mutating func readVarint() throws(ONNXError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            guard position < end else { throw error("truncated varint", at: start) }
            let byte = storage.base.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            if shift == 63 && byte > 1 { throw error("varint overflows 64 bits", at: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw error("varint longer than 10 bytes", at: start) }
        }
    }

    mutating func readFixed32() throws(ONNXError) -> UInt32 {
        guard end - position >= 4 else { throw error("truncated fixed32") }
        let v = storage.base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position += 4
        return UInt32(littleEndian: v)
    }

    mutating func readFixed64() throws(ONNXError) -> UInt64 {
        guard end - position >= 8 else { throw error("truncated fixed64") }
        let v = storage.base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position += 8
        return UInt64(littleEndian: v)
    }

    /// A length-delimited payload as a slice of the underlying storage.
    mutating func readLengthDelimited() throws(ONNXError) -> ByteSlice {
        let start = position
        let length = try readVarint()
        guard length <= UInt64(end - position) else {
            throw error("length \(length) exceeds the \(end - position) bytes left", at: start)
        }
        let slice = ByteSlice(storage: storage, offset: position, count: Int(length))
        position += Int(length)
        return slice
    }

    /// Skips a field we do not know (or do not keep).
    mutating func skip(_ wireType: WireType) throws(ONNXError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        }
    }

    /// Throws unless the field has the wire type its schema says.
    func expect(_ actual: WireType, _ wanted: WireType) throws(ONNXError) {
        guard actual == wanted else { throw error("wire type \(actual) where \(wanted) was expected") }
    }

    // MARK: Typed scalars

    mutating func readInt64(_ wt: WireType) throws(ONNXError) -> Int64 {
        try expect(wt, .varint)
        return Int64(bitPattern: try readVarint())
    }

    /// int32 fields are sign-extended to 64 bits on the wire; truncation is what protobuf does.
    mutating func readInt32(_ wt: WireType) throws(ONNXError) -> Int32 {
        try expect(wt, .varint)
        return Int32(truncatingIfNeeded: try readVarint())
    }

    mutating func readFloat(_ wt: WireType) throws(ONNXError) -> Float {
        try expect(wt, .fixed32)
        return Float(bitPattern: try readFixed32())
    }

    mutating func readString(_ wt: WireType) throws(ONNXError) -> String {
        try expect(wt, .lengthDelimited)
        let slice = try readLengthDelimited()
        // Invalid UTF-8 is repaired with U+FFFD rather than rejected: names are only labels.
        return slice.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    mutating func readBytes(_ wt: WireType) throws(ONNXError) -> ByteSlice {
        try expect(wt, .lengthDelimited)
        return try readLengthDelimited()
    }

    /// A reader for an embedded message.
    mutating func readMessage(_ wt: WireType, name: String) throws(ONNXError) -> ProtoReader {
        try expect(wt, .lengthDelimited)
        return try ProtoReader(try readLengthDelimited(), message: name, depth: depth + 1)
    }

    // MARK: Repeated scalars, packed or not

    /// Appends varint values: one if the field is unpacked, all of a packed run otherwise.
    mutating func readRepeatedVarint(_ wt: WireType, into values: inout [UInt64]) throws(ONNXError) {
        if wt == .lengthDelimited {
            var packed = try ProtoReader(try readLengthDelimited(), message: message, depth: depth)
            packed.field = field
            while !packed.isAtEnd { values.append(try packed.readVarint()) }
        } else {
            try expect(wt, .varint)
            values.append(try readVarint())
        }
    }

    mutating func readRepeatedFixed32(_ wt: WireType, into values: inout [UInt32]) throws(ONNXError) {
        if wt == .lengthDelimited {
            let payload = try readLengthDelimited()
            guard payload.count % 4 == 0 else {
                throw error("packed fixed32 length \(payload.count) not a multiple of 4")
            }
            var packed = try ProtoReader(payload, message: message, depth: depth)
            values.reserveCapacity(values.count + payload.count / 4)
            while !packed.isAtEnd { values.append(try packed.readFixed32()) }
        } else {
            try expect(wt, .fixed32)
            values.append(try readFixed32())
        }
    }

    mutating func readRepeatedFixed64(_ wt: WireType, into values: inout [UInt64]) throws(ONNXError) {
        if wt == .lengthDelimited {
            let payload = try readLengthDelimited()
            guard payload.count % 8 == 0 else {
                throw error("packed fixed64 length \(payload.count) not a multiple of 8")
            }
            var packed = try ProtoReader(payload, message: message, depth: depth)
            values.reserveCapacity(values.count + payload.count / 8)
            while !packed.isAtEnd { values.append(try packed.readFixed64()) }
        } else {
            try expect(wt, .fixed64)
            values.append(try readFixed64())
        }
    }
}
