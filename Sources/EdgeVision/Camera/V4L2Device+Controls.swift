import CV4L2

#if canImport(Glibc)
import Glibc
#endif

extension V4L2Device {
    /// All enabled user controls with their current values.
    public func controls() -> [V4L2ControlInfo] {
        var result: [V4L2ControlInfo] = []
        var query = v4l2_queryctrl()
        query.id = cv4l2_ctrl_flag_next_ctrl
        while (try? ioctl(cv4l2_vidioc_queryctrl, "VIDIOC_QUERYCTRL", &query)) != nil {
            let id = query.id
            if query.flags & cv4l2_ctrl_flag_disabled == 0 && query.type != 6 /* CTRL_CLASS */ {
                var info = V4L2ControlInfo(
                    id: id, name: String(cString: cv4l2_queryctrl_name(&query)), type: query.type,
                    minimum: query.minimum, maximum: query.maximum, step: query.step,
                    defaultValue: query.default_value, value: nil)
                info.value = try? control(id)
                result.append(info)
            }
            query = v4l2_queryctrl()
            query.id = id | cv4l2_ctrl_flag_next_ctrl
        }
        return result
    }

    public func control(_ id: UInt32) throws(V4L2Error) -> Int32 {
        var c = v4l2_control(id: id, value: 0)
        try ioctl(cv4l2_vidioc_g_ctrl, "VIDIOC_G_CTRL", &c)
        return c.value
    }

    /// Sets a control after checking it exists and the value lies in its range.
    public func setControl(_ id: UInt32, _ value: Int32, name: String) throws(V4L2Error) {
        var query = v4l2_queryctrl()
        query.id = id
        do { try ioctl(cv4l2_vidioc_queryctrl, "VIDIOC_QUERYCTRL", &query) } catch {
            throw V4L2Error(.unknownControl, device: path, operation: "VIDIOC_QUERYCTRL", errno: error.errno, detail: "control \(name) not supported")
        }
        if query.type != cv4l2_ctrl_type_boolean && query.type != 4 /* BUTTON: any value presses it */ && (value < query.minimum || value > query.maximum) {
            throw V4L2Error(
                .controlOutOfRange, device: path, operation: "VIDIOC_S_CTRL",
                detail: "\(name)=\(value) outside \(query.minimum)...\(query.maximum)")
        }
        var c = v4l2_control(id: id, value: value)
        try ioctl(cv4l2_vidioc_s_ctrl, "VIDIOC_S_CTRL", &c)
    }

    /// Applies manual values, switching the matching auto mode off first (a manual value is
    /// ignored by most UVC cameras while auto is on). Called after every (re)open: UVC cameras reset on re-plug.
    public func apply(_ controls: CameraControls) throws(V4L2Error) {
        if let exposure = controls.exposure {
            try? setControl(cv4l2_cid_exposure_auto, cv4l2_exposure_manual, name: "exposure_auto")
            // Constant frame rate: forbid the camera from stretching exposure in low light.
            try? setControl(cv4l2_cid_exposure_auto_priority, 0, name: "exposure_auto_priority")
            do { try setControl(cv4l2_cid_exposure_absolute, exposure, name: "exposure_absolute") } catch {
                guard error.code == .unknownControl else { throw error }
                try setControl(cv4l2_cid_exposure, exposure, name: "exposure")
            }
        }
        if let gain = controls.gain {
            try? setControl(cv4l2_cid_autogain, 0, name: "gain_automatic")
            try setControl(cv4l2_cid_gain, gain, name: "gain")
        }
        if let focus = controls.focus {
            try? setControl(cv4l2_cid_focus_auto, 0, name: "focus_automatic_continuous")
            try setControl(cv4l2_cid_focus_absolute, focus, name: "focus_absolute")
        }
        if let wb = controls.whiteBalance {
            try? setControl(cv4l2_cid_auto_white_balance, 0, name: "white_balance_automatic")
            try setControl(cv4l2_cid_white_balance_temperature, wb, name: "white_balance_temperature")
        }
        if !controls.named.isEmpty {
            let known = self.controls()
            for (key, value) in controls.named.sorted(by: { $0.key < $1.key }) {
                guard let info = known.first(where: { $0.key == key }) else {
                    throw V4L2Error(
                        .unknownControl, device: path, operation: "VIDIOC_S_CTRL",
                        detail: "no control \"\(key)\"; device has \(known.map(\.key).joined(separator: ", "))")
                }
                try setControl(info.id, value, name: key)
            }
        }
    }
}
