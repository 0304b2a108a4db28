import ArgumentParser
import EdgeVision
import Foundation

/// Lists V4L2 video nodes: what an integrator checks first when a camera "does not work".
struct CamerasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cameras",
        abstract: "List V4L2 cameras with driver, bus, formats, sizes, frame rates and controls."
    )

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Option(help: "Directory holding the video nodes (for tests).")
    var devRoot = "/dev"

    @Option(help: "With --set: the device whose controls to set.")
    var device: String?

    @Option(help: "Set a control name=value on --device and exit (repeatable), e.g. disconnect=1 on vivid.")
    var set: [String] = []

    func run() async throws {
        if !set.isEmpty {
            guard let device else { throw ValidationError("--set needs --device") }
            var named: [String: Int32] = [:]
            for item in set {
                let kv = item.split(separator: "=", maxSplits: 1)
                guard kv.count == 2, let value = Int32(kv[1]) else { throw ValidationError("--set \(item): expected name=integer") }
                named[String(kv[0])] = value
            }
            do {
                let dev = try V4L2Device(path: device)
                defer { dev.close() }
                try dev.apply(CameraControls(named: named))
            } catch {
                throw CommandFailure("\(error)")
            }
            print("set \(set.joined(separator: " ")) on \(device)")
            return
        }
        let devices = V4L2Device.list(devRoot: devRoot)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(devices.map(CameraReport.init)), as: UTF8.self))
            return
        }
        if devices.isEmpty {
            print("no V4L2 devices under \(devRoot)")
            return
        }
        print(pad("DEVICE", 14) + pad("DRIVER", 12) + pad("CARD", 28) + pad("BUS", 26) + "CAPTURE")
        for d in devices {
            let c = d.capabilities
            print(
                pad(d.path, 14) + pad(c?.driver ?? "-", 12) + pad(c?.card ?? "-", 28) + pad(c?.busInfo ?? "-", 26)
                    + (d.canCapture ? "yes" : "no"))
            if let error = d.error { print("    error: \(error)") }
            for name in d.stableNames { print("    id: \(name)") }
            for f in d.formats {
                let sizes = f.sizes.map { s in
                    let rates = s.rates.map { String(format: "%g", $0) }.joined(separator: "/")
                    return "\(s.width)x\(s.height)" + (rates.isEmpty ? "" : "@\(rates)")
                }
                print("    \(pad(f.fourcc.description, 5)) \(f.emulated ? "(emulated) " : "")\(sizes.joined(separator: " "))")
            }
            if d.canCapture, let device = try? V4L2Device(path: d.path) {
                for ctl in device.controls() {
                    print("    ctrl \(ctl.key) = \(ctl.value.map(String.init) ?? "?") [\(ctl.minimum)...\(ctl.maximum)]")
                }
                device.close()
            }
        }
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}

/// The JSON shape of one device: the list entry plus its controls.
struct CameraReport: Encodable {
    var device: V4L2DeviceInfo
    var controls: [V4L2ControlInfo]

    init(_ info: V4L2DeviceInfo) {
        device = info
        if info.canCapture, let dev = try? V4L2Device(path: info.path) {
            controls = dev.controls()
            dev.close()
        } else {
            controls = []
        }
    }
}
