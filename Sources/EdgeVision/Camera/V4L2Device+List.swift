#if canImport(Glibc)
import Glibc
#endif

/// One /dev/video* node as `V4L2Device.list()` found it.
public struct V4L2DeviceInfo: Sendable, Hashable, Codable {
    public var path: String
    /// Stable /dev/v4l/by-id names pointing at this node (empty for platform devices such as vivid).
    public var stableNames: [String]
    public var capabilities: V4L2Capabilities?
    public var canCapture: Bool
    /// Why the node could not be queried (permission, busy, not V4L2), when it could not.
    public var error: String?
    /// Native and emulated formats, with sizes; filled only for capture nodes.
    public var formats: [V4L2FormatDescription]
}

extension V4L2Device {
    /// Enumerates /dev/video* in numeric order. Never throws: nodes that cannot be opened carry an error text.
    public static func list(devRoot: String = "/dev", includeFormats: Bool = true) -> [V4L2DeviceInfo] {
        let names = directoryEntries(devRoot).filter { $0.hasPrefix("video") && Int($0.dropFirst(5)) != nil }
            .sorted { Int($0.dropFirst(5))! < Int($1.dropFirst(5))! }
        let byID = stableNameMap(devRoot + "/v4l/by-id")
        return names.map { name in
            let path = devRoot + "/" + name
            do {
                let device = try V4L2Device(path: path, requireCapture: false)
                defer { device.close() }
                let caps = device.capabilities
                let formats = includeFormats && caps.canCapture ? ((try? device.formatDescriptions()) ?? []) : []
                return V4L2DeviceInfo(
                    path: path, stableNames: byID[name] ?? [], capabilities: caps, canCapture: caps.canCapture,
                    error: nil, formats: formats)
            } catch {
                return V4L2DeviceInfo(
                    path: path, stableNames: byID[name] ?? [], capabilities: nil, canCapture: false,
                    error: "\(error)", formats: [])
            }
        }
    }

    static func directoryEntries(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var result: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { result.append(name) }
        }
        return result
    }

    /// Maps "videoN" to the by-id symlinks that resolve to it.
    static func stableNameMap(_ dir: String) -> [String: [String]] {
        var map: [String: [String]] = [:]
        for link in directoryEntries(dir) {
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = readlink(dir + "/" + link, &buffer, buffer.count - 1)
            guard n > 0 else { continue }
            let target = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let base = target.split(separator: "/").last.map(String.init) ?? target
            map[base, default: []].append(dir + "/" + link)
        }
        return map
    }
}
