import EdgeOps
import Foundation
import Testing

@Suite("Tar and gzip")
struct ArchiveTests {
    typealias M = Fixtures.TarMember

    @Test func readsFilesDirectoriesAndPaxLongNames() throws {
        let long = String(repeating: "d", count: 120) + "/golden/input0.npy"
        let bytes = Fixtures.tar([
            M(name: "./golden/", type: UInt8(ascii: "5")),
            M(name: "model.onnx", content: Array("weights".utf8)),
            Fixtures.paxPath(long), M(name: "truncated-name", content: [1, 2, 3]),
        ])
        let reader = TarReader(bytes: bytes)
        let entries = try reader.entries()
        #expect(entries.map(\.path) == ["golden", "model.onnx", long])
        #expect(entries[0].kind == .directory)
        #expect(Array(reader.content(of: entries[2])) == [1, 2, 3])
        let tmp = TemporaryDirectory()
        let files = try TarExtractor(destination: tmp.path, maxTotalBytes: 1 << 20).extract(reader)
        #expect(files == ["model.onnx", long])
        #expect(try tmp.read("model.onnx") == Array("weights".utf8))
    }

    @Test(arguments: [
        ("/etc/passwd", ArchiveError.Code.unsafePath),
        ("../escape", .unsafePath),
        ("a/../../escape", .unsafePath),
    ])
    func refusesUnsafePaths(name: String, code: ArchiveError.Code) throws {
        let bytes = Fixtures.tar([M(name: name, content: [0])])
        let error = #expect(throws: ArchiveError.self) { try TarReader(bytes: bytes).entries() }
        #expect(error?.code == code)
        #expect(error?.entry == name)
    }

    @Test(arguments: ["/etc", "../..", "sub/../../x"])
    func refusesSymlinksThatEscape(target: String) throws {
        let bytes = Fixtures.tar([M(name: "link", type: UInt8(ascii: "2"), link: target)])
        let error = #expect(throws: ArchiveError.self) { try TarReader(bytes: bytes).entries() }
        #expect(error?.code == .unsafePath)
    }

    /// A link that stays inside, followed by a file written "through" it: the extractor must not follow.
    @Test func neverWritesThroughALink() throws {
        let bytes = Fixtures.tar([
            M(name: "dir", type: UInt8(ascii: "2"), link: "."),
            M(name: "dir/model.onnx", content: [1]),
        ])
        let tmp = TemporaryDirectory()
        let error = #expect(throws: ArchiveError.self) {
            try TarExtractor(destination: tmp.path, maxTotalBytes: 1 << 20).extract(TarReader(bytes: bytes))
        }
        #expect(error?.code == .unsafePath)
    }

    @Test(arguments: [UInt8(ascii: "1"), UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "6")])
    func refusesHardLinksDevicesAndFifos(type: UInt8) throws {
        let bytes = Fixtures.tar([M(name: "node", type: type, link: "model.onnx")])
        let error = #expect(throws: ArchiveError.self) { try TarReader(bytes: bytes).entries() }
        #expect(error?.code == .unsupportedEntry)
    }

    @Test func refusesSizesPastTheEnd() throws {
        let bytes = Fixtures.tar([M(name: "big", content: [1], declaredSize: 1 << 30)], endMarker: false)
        let error = #expect(throws: ArchiveError.self) { try TarReader(bytes: bytes).entries() }
        #expect(error?.code == .truncated)
    }

    @Test func refusesContentOverTheCap() throws {
        let bytes = Fixtures.tar([M(name: "a", content: [UInt8](repeating: 7, count: 4096))])
        let tmp = TemporaryDirectory()
        let error = #expect(throws: ArchiveError.self) {
            try TarExtractor(destination: tmp.path, maxTotalBytes: 1000).extract(TarReader(bytes: bytes))
        }
        #expect(error?.code == .tooLarge)
    }

    @Test func refusesACorruptHeader() throws {
        var bytes = Fixtures.tar([M(name: "model.onnx", content: [1])])
        bytes[10] ^= 0xFF
        let error = #expect(throws: ArchiveError.self) { try TarReader(bytes: bytes).entries() }
        #expect(error?.code == .badChecksum)
    }

    @Test func missingEndMarkerIsTruncation() throws {
        let bytes = Fixtures.tar([M(name: "model.onnx", content: [1])], endMarker: false)
        let error = #expect(throws: ArchiveError.self) { try TarReader(bytes: bytes).entries() }
        #expect(error?.code == .truncated)
    }

    @Test func gzipRoundTripAndTruncation() throws {
        let plain = Array((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let packed = Fixtures.gzip(plain)
        #expect(try Gzip.decompress(packed, maxOutput: 1 << 20) == plain)
        for cut in [10, packed.count / 2, packed.count - 4] {
            let error = #expect(throws: ArchiveError.self) {
                try Gzip.decompress(Array(packed[..<cut]), maxOutput: 1 << 20)
            }
            #expect(error?.code == .truncated)
        }
    }

    @Test func gzipTrailingDataIsRefused() throws {
        let packed = Fixtures.gzip(Array("model".utf8)) + Fixtures.gzip(Array("smuggled".utf8))
        let error = #expect(throws: ArchiveError.self) { try Gzip.decompress(packed, maxOutput: 1 << 20) }
        #expect(error?.code == .corrupt)
    }

    @Test func paxSizeRecordIsRefused() throws {
        let record = Array("15 size=999999\n".utf8)
        let bytes = Fixtures.tar([
            M(name: "PaxHeader", type: UInt8(ascii: "x"), content: record), M(name: "a", content: [1]),
        ])
        let error = #expect(throws: ArchiveError.self) { try TarReader(bytes: bytes).entries() }
        #expect(error?.code == .tooLarge)
    }

    @Test func gzipBombIsCapped() throws {
        let packed = Fixtures.gzip([UInt8](repeating: 0, count: 4 << 20))
        let error = #expect(throws: ArchiveError.self) { try Gzip.decompress(packed, maxOutput: 1 << 20) }
        #expect(error?.code == .tooLarge)
    }

    @Test func gzipCorruptionIsReported() throws {
        var packed = Fixtures.gzip(Array("hello hello hello hello".utf8))
        packed[packed.count - 6] ^= 0xFF  // CRC-32 in the trailer
        let error = #expect(throws: ArchiveError.self) { try Gzip.decompress(packed, maxOutput: 1 << 20) }
        #expect(error?.code == .corrupt)
    }
}
