import CKernels

extension Doctor {
    /// Processor, SIMD features and the kernel path the runtime will use.
    func cpuChecks() -> [DoctorCheck] {
        let features = ck_cpu_features()
        var checks: [DoctorCheck] = []
        checks.append(
            DoctorCheck(
                category: "cpu",
                name: "processor",
                status: .info,
                detail: "\(Self.architecture), \(Self.modelName() ?? "unknown model"), \(ck_cpu_logical_count()) logical cores"
            )
        )
        #if arch(arm64)
        let wanted: [(String, UInt32, Bool)] = [
            ("NEON", UInt32(CK_CPU_NEON), true),
            ("NEON dotprod (sdot)", UInt32(CK_CPU_NEON_DOTPROD), false),
            ("NEON i8mm", UInt32(CK_CPU_NEON_I8MM), false),
        ]
        #elseif arch(x86_64)
        let wanted: [(String, UInt32, Bool)] = [
            ("AVX2+FMA", UInt32(CK_CPU_AVX2), false),
            ("AVX-512F", UInt32(CK_CPU_AVX512F), false),
            ("AVX-512 VNNI", UInt32(CK_CPU_AVX512VNNI), false),
            ("AVX-VNNI", UInt32(CK_CPU_AVXVNNI), false),
        ]
        #else
        let wanted: [(String, UInt32, Bool)] = []
        #endif
        for (name, bit, required) in wanted {
            let present = features & bit != 0
            checks.append(
                DoctorCheck(
                    category: "cpu",
                    name: name,
                    status: present ? .ok : (required ? .failure : .info),
                    detail: present ? "yes" : "no",
                    hint: present || !required ? nil : "this build needs \(name); use an ARMv8-A CPU with Advanced SIMD"
                )
            )
        }
        checks.append(isaCheck())
        return checks
    }

    func isaCheck() -> DoctorCheck {
        let selected = String(cString: ck_isa_name(ck_isa_selected()))
        let best = String(cString: ck_isa_name(ck_isa_best()))
        switch ck_isa_override_status() {
        case CK_ISA_OVERRIDE_APPLIED:
            return DoctorCheck(
                category: "cpu",
                name: "kernel path",
                status: .info,
                detail: "\(selected) (EDGEMLOPS_ISA; best here: \(best))"
            )
        case CK_ISA_OVERRIDE_UNKNOWN, CK_ISA_OVERRIDE_UNAVAILABLE:
            return DoctorCheck(
                category: "cpu",
                name: "kernel path",
                status: .warning,
                detail: "\(selected) (EDGEMLOPS_ISA ignored)",
                hint: "EDGEMLOPS_ISA must name a path this CPU has: scalar, neon, neondot, avx2 or avx512vnni"
            )
        default:
            return DoctorCheck(category: "cpu", name: "kernel path", status: .ok, detail: selected)
        }
    }

    static var architecture: String {
        #if arch(arm64)
        "aarch64"
        #elseif arch(x86_64)
        "x86_64"
        #else
        "other"
        #endif
    }

    /// "model name" on x86, the device-tree model on a Raspberry Pi.
    static func modelName() -> String? {
        if let model = SystemFiles.text("/proc/device-tree/model")?.split(separator: "\0").first {
            return String(model)
        }
        let cpuinfo = SystemFiles.text("/proc/cpuinfo") ?? ""
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("model name") || line.hasPrefix("Model") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            }
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
