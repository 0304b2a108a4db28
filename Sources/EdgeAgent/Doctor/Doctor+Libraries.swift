import CEdgeBridge
import EdgeCloud
import EdgeFlows

#if canImport(Glibc)
import Glibc
#endif

extension Doctor {
    /// The shared libraries the agent links, where they were found and their versions.
    func libraryChecks() -> [DoctorCheck] {
        let luaNumber = LuaState.libraryVersionNumber
        let lua = Self.library(symbol: "lua_newstate", soname: "liblua5.4.so.0")
        let mosquitto = Self.library(symbol: "mosquitto_lib_version", soname: "libmosquitto.so.1")
        let v4l2 = Self.library(symbol: "v4l2_open", soname: "libv4l2.so.0")
        let turbo = Self.library(symbol: "tjInitDecompress", soname: "libturbojpeg.so.0")
        return [
            Self.libraryCheck(
                "liblua5.4",
                lua,
                version: "\(LuaState.headerRelease) (runtime \(luaNumber / 100).\(luaNumber % 100))",
                package: "liblua5.4-0"
            ),
            Self.libraryCheck("libmosquitto", mosquitto, version: MQTTLibrary.version, package: "libmosquitto1"),
            Self.libraryCheck("libv4l2", v4l2, version: nil, package: "libv4l-0"),
            Self.libraryCheck("libturbojpeg", turbo, version: nil, package: "libturbojpeg0"),
        ]
    }

    static func libraryCheck(_ name: String, _ path: String?, version: String?, package: String) -> DoctorCheck {
        guard let path else {
            return DoctorCheck(
                category: "library",
                name: name,
                status: .failure,
                detail: "not found",
                hint: "install the Debian package \(package) (packaging/install-deps.sh --runtime-only)"
            )
        }
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let detail = [version, version == nil ? file : nil, path].compactMap { $0 }.joined(separator: "  ")
        return DoctorCheck(category: "library", name: name, status: .ok, detail: detail)
    }

    /// The file that provides `symbol` in this process, or that `soname` loads from.
    static func library(symbol: String, soname: String) -> String? {
        var address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), symbol)  // RTLD_DEFAULT
        var handle: UnsafeMutableRawPointer? = nil
        if address == nil {
            // Linked with --as-needed and not yet used: ask the dynamic loader directly.
            handle = dlopen(soname, RTLD_LAZY | RTLD_LOCAL)
            if let handle { address = dlsym(handle, symbol) }
        }
        defer { if let handle { dlclose(handle) } }
        guard let address else { return nil }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard edge_object_path(address, &buffer, buffer.count) != 0 else { return nil }
        return SystemFiles.resolved(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
