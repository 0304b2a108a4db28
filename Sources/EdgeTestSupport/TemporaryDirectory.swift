#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under /tmp for one test, removed (with its files) by ``remove()``.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init() {
        var template = Array("/tmp/edgevision-test-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    public func file(_ name: String) -> String { path + "/" + name }

    public func write(_ bytes: [UInt8], to name: String) {
        let handle = fopen(file(name), "wb")!
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        fclose(handle)
    }

    public func read(_ name: String) -> [UInt8]? {
        guard let handle = fopen(file(name), "rb") else { return nil }
        defer { fclose(handle) }
        var bytes: [UInt8] = []
        var byte = fgetc(handle)
        while byte != EOF {
            bytes.append(UInt8(byte))
            byte = fgetc(handle)
        }
        return bytes
    }

    public func remove() {
        guard let directory = opendir(path) else { return }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != ".", name != ".." { unlink(file(name)) }
        }
        closedir(directory)
        rmdir(path)
    }
}
