extension Doctor {
    /// Configuration file presence and whether the state directories are (or can be made) writable.
    func stateChecks() -> [DoctorCheck] {
        let paths = configuration.paths
        var checks: [DoctorCheck] = []
        if SystemFiles.exists(paths.configurationFile) {
            checks.append(
                DoctorCheck(category: "state", name: "configuration", status: .ok, detail: paths.configurationFile)
            )
        } else {
            checks.append(
                DoctorCheck(
                    category: "state",
                    name: "configuration",
                    status: .info,
                    detail: "\(paths.configurationFile) not found: built-in defaults apply"
                )
            )
        }
        for directory in paths.writableDirectories {
            checks.append(Self.directoryCheck(directory))
        }
        return checks
    }

    static func directoryCheck(_ directory: String) -> DoctorCheck {
        if SystemFiles.isDirectory(directory) {
            return SystemFiles.isWritable(directory)
                ? DoctorCheck(category: "state", name: directory, status: .ok, detail: "writable")
                : DoctorCheck(
                    category: "state",
                    name: directory,
                    status: .failure,
                    detail: "not writable by this user",
                    hint: "run as the edgemlops service user, or set EDGEMLOPS_STATE_DIR to a writable directory"
                )
        }
        if SystemFiles.exists(directory) {
            return DoctorCheck(
                category: "state",
                name: directory,
                status: .failure,
                detail: "exists but is not a directory",
                hint: "remove it or set EDGEMLOPS_STATE_DIR elsewhere"
            )
        }
        // Missing: fine if the nearest existing parent lets us create it.
        var parent = directory
        repeat {
            parent = parent.split(separator: "/").dropLast().joined(separator: "/")
            parent = "/" + parent
        } while !SystemFiles.isDirectory(parent) && parent != "/"
        if SystemFiles.isWritable(parent) {
            return DoctorCheck(category: "state", name: directory, status: .ok, detail: "missing; will be created")
        }
        return DoctorCheck(
            category: "state",
            name: directory,
            status: .failure,
            detail: "missing and \(parent) is not writable",
            hint: "create it for the service user (the Debian package does), or set EDGEMLOPS_STATE_DIR"
        )
    }
}
