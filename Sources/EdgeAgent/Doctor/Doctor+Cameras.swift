extension Doctor {
    /// V4L2 device nodes present. No camera is a warning: the synthetic line still runs.
    func cameraChecks() -> [DoctorCheck] {
        let nodes = SystemFiles.entries("/dev").filter { $0.hasPrefix("video") }
        guard !nodes.isEmpty else {
            return [
                DoctorCheck(
                    category: "camera",
                    name: "V4L2 devices",
                    status: .warning,
                    detail: "none in /dev",
                    hint: "plug in a UVC camera (or load the vivid module to test); the synthetic camera works without one"
                )
            ]
        }
        return [
            DoctorCheck(
                category: "camera",
                name: "V4L2 devices",
                status: .ok,
                detail: nodes.map { "/dev/" + $0 }.joined(separator: ", ")
            )
        ]
    }
}
