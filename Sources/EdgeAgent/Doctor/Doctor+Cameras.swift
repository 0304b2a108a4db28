import EdgeVision

extension Doctor {
    /// V4L2 devices: one line each with driver, card and whether it captures.
    /// No capture device is a warning: the synthetic line still runs.
    func cameraChecks(devRoot: String = "/dev") -> [DoctorCheck] {
        let devices = V4L2Device.list(devRoot: devRoot, includeFormats: false)
        var checks = devices.map { device -> DoctorCheck in
            if let error = device.error {
                return DoctorCheck(
                    category: "camera",
                    name: device.path,
                    status: .warning,
                    detail: error,
                    hint: "check permissions (the service user needs the 'video' group) and the cable"
                )
            }
            let caps = device.capabilities
            let what = [caps?.card, caps.map { "\($0.driver) driver" }, caps?.busInfo]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
            return DoctorCheck(
                category: "camera",
                name: device.path,
                status: device.canCapture ? .ok : .info,
                detail: device.canCapture ? what : what + " (not a capture device)"
            )
        }
        if !devices.contains(where: \.canCapture) {
            checks.append(
                DoctorCheck(
                    category: "camera",
                    name: "capture devices",
                    status: .warning,
                    detail: devices.isEmpty ? "no V4L2 device in \(devRoot)" : "none of the V4L2 devices captures video",
                    hint: "plug in a UVC camera (or load the vivid module to test); the synthetic camera works without one"
                )
            )
        }
        return checks
    }
}
