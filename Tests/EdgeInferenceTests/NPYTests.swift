import Foundation
import Testing

@testable import EdgeInference

@Suite struct NPYTests {
    static let samples: [Tensor] = [
        Tensor(floats: [1.5, -2, 0, 3.25, 1e-8, -0.0], shape: [2, 3]),
        Tensor([Int8(-128), 0, 127], shape: [3], type: .int8),
        Tensor([UInt8(0), 200, 255, 1], shape: [1, 2, 2], type: .uint8),
        Tensor([Int32(-70000), 5], shape: [2, 1], type: .int32),
        Tensor(int64s: [Int64.min, 42], shape: [2]),
        Tensor(floats: [7], shape: []),
        Tensor(floats: [], shape: [0, 4]),
    ]

    @Test(arguments: samples)
    func roundTripsThroughAFile(tensor: Tensor) throws {
        let dir = try TestModels.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/t.npy"
        try NPY.write(tensor, to: path)
        let read = try NPY.read(path: path)
        #expect(read == tensor)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0, "data must start 64-byte aligned")
    }

    /// A header exactly as NumPy 2 writes it for `np.arange(6, dtype=np.int32).reshape(2, 3)`.
    @Test func readsNumpyWrittenHeader() throws {
        var header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
        for v in Int32(0)..<6 { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        let tensor = try NPY.decode(ByteSlice(copying: bytes))
        #expect(tensor.shape == [2, 3])
        #expect(tensor.values(as: Int32.self) == [0, 1, 2, 3, 4, 5])
    }

    @Test func readsVersion2Headers() throws {
        var encoded = NPY.encode(Tensor(floats: [1, 2], shape: [2]))
        // Rewrite as version 2: 4-byte header length.
        let length = Int(encoded[8]) | Int(encoded[9]) << 8
        encoded[6] = 2
        encoded.insert(contentsOf: [0, 0], at: 10)
        encoded[8] = UInt8(length & 0xFF)
        encoded[9] = UInt8(length >> 8)
        #expect(try NPY.decode(ByteSlice(copying: encoded)).floats() == [1, 2])
    }

    static func withHeader(_ dict: String, data: Int = 8, version: UInt8 = 1) -> [UInt8] {
        [0x93] + Array("NUMPY".utf8) + [version, 0, UInt8(dict.utf8.count), 0] + Array(dict.utf8)
            + [UInt8](repeating: 0, count: data)
    }

    @Test(arguments: [
        (Array("NOTNUMPY0000".utf8), NPYError.Code.badMagic, nil as String?),
        (withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", data: 8), .truncated, nil),
        (withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }"), .unsupported, "descr"),
        (withHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }"), .unsupported, "descr"),
        (withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }"), .unsupported, "fortran_order"),
        (withHeader("{'descr': '<f4', 'shape': (2,), }"), .badHeader, "fortran_order"),
        (withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }"), .badHeader, "shape"),
        (
            withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }"), .badHeader,
            "shape"
        ),
        (withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", version: 3), .unsupported, nil),
        ([0x93] + Array("NUMPY".utf8) + [1, 0, 0xFF, 0x00, 0x7B], .truncated, nil),
    ])
    func badFilesThrowClearErrors(bytes: [UInt8], code: NPYError.Code, field: String?) throws {
        let error = #expect(throws: NPYError.self) { _ = try NPY.decode(ByteSlice(copying: bytes)) }
        #expect(error?.code == code, "\(String(describing: error))")
        #expect(error?.field == field)
    }

    @Test func missingFileNamesThePath() throws {
        let error = #expect(throws: NPYError.self) { _ = try NPY.read(path: "/nonexistent/x.npy") }
        #expect(error?.file == "/nonexistent/x.npy")
        #expect(error?.code == .io)
    }
}
