import CV4L2

#if canImport(Glibc)
import Glibc
#endif

/// An open V4L2 video node, accessed through libv4l2 (so emulated formats stay available as a fallback).
///
/// Not thread-safe: one owner (the capture thread) uses it at a time. Closing happens in `close()` or deinit.
public final class V4L2Device {
    /// The path as given (may be a /dev/v4l/by-id symlink, which survives re-plugging).
    public let path: String
    /// What VIDIOC_QUERYCAP reported at open time.
    public let capabilities: V4L2Capabilities
    private(set) var fd: Int32
    var buffers: [MappedBuffer] = []
    var streaming = false
    var negotiated: V4L2NegotiatedFormat?

    /// Opens `path` non-blocking and checks it is a V4L2 capture node with streaming I/O.
    public init(path: String, requireCapture: Bool = true) throws(V4L2Error) {
        self.path = path
        // Plain open + QUERYCAP first: libv4l2's own open prints to stderr and hides the errno
        // for non-V4L2 files; libv4l2 is attached only once we know this is a video node.
        let fd = Glibc.open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            let err = Glibc.errno
            throw V4L2Error(V4L2Error.code(forErrno: err), device: path, operation: "open", errno: err)
        }
        var cap = v4l2_capability()
        var rc: Int32
        repeat { rc = cv4l2_raw_ioctl(fd, cv4l2_vidioc_querycap, &cap) } while rc < 0 && Glibc.errno == EINTR
        if rc < 0 {
            let err = Glibc.errno
            Glibc.close(fd)
            throw V4L2Error(
                err == ENOTTY || err == EINVAL ? .notV4L2 : V4L2Error.code(forErrno: err),
                device: path, operation: "VIDIOC_QUERYCAP", errno: err,
                detail: "not a V4L2 device")
        }
        if v4l2_fd_open(fd, 0) < 0 {
            let err = Glibc.errno
            Glibc.close(fd)
            throw V4L2Error(V4L2Error.code(forErrno: err), device: path, operation: "v4l2_fd_open", errno: err)
        }
        let caps = V4L2Capabilities(cap)
        if requireCapture && !caps.canCapture {
            v4l2_close(fd)
            throw V4L2Error(
                .notCapture, device: path, operation: "VIDIOC_QUERYCAP",
                detail: "driver \(caps.driver) card \"\(caps.card)\" has no single-planar video capture with streaming")
        }
        self.fd = fd
        self.capabilities = caps
    }

    deinit { close() }

    /// Stops streaming, unmaps buffers and closes the descriptor. Safe to call twice.
    public func close() {
        guard fd >= 0 else { return }
        if streaming { try? streamOff() }
        unmapBuffers()
        v4l2_close(fd)
        fd = -1
    }

    /// ioctl through libv4l2, retrying EINTR (a signal is not a failure).
    @discardableResult
    /// `raw` bypasses libv4l2: used for the queue ioctls of native formats, where libv4l2 has
    /// nothing to convert but would print every EAGAIN of the drain loop to stderr.
    func ioctl<T>(_ request: UInt, _ name: String, _ arg: inout T, raw: Bool = false) throws(V4L2Error) -> Int32 {
        while true {
            let rc = withUnsafeMutablePointer(to: &arg) {
                raw ? cv4l2_raw_ioctl(fd, request, UnsafeMutableRawPointer($0))
                    : cv4l2_ioctl(fd, request, UnsafeMutableRawPointer($0))
            }
            if rc >= 0 { return rc }
            let err = Glibc.errno
            if err == EINTR { continue }
            throw V4L2Error(V4L2Error.code(forErrno: err), device: path, operation: name, errno: err)
        }
    }
}

/// The interesting part of `struct v4l2_capability`.
public struct V4L2Capabilities: Sendable, Hashable, Codable {
    public var driver: String
    public var card: String
    public var busInfo: String
    /// The node's own capabilities (device_caps when the driver reports them).
    public var deviceCaps: UInt32

    init(_ cap: v4l2_capability) {
        var copy = cap
        driver = String(cString: cv4l2_driver(&copy))
        card = String(cString: cv4l2_card(&copy))
        busInfo = String(cString: cv4l2_bus_info(&copy))
        deviceCaps = (cap.capabilities & cv4l2_cap_device_caps) != 0 ? cap.device_caps : cap.capabilities
    }

    public init(driver: String, card: String, busInfo: String, deviceCaps: UInt32) {
        self.driver = driver
        self.card = card
        self.busInfo = busInfo
        self.deviceCaps = deviceCaps
    }

    /// Single-planar capture with streaming I/O: what the capture loop needs.
    public var canCapture: Bool {
        deviceCaps & cv4l2_cap_video_capture != 0 && deviceCaps & cv4l2_cap_streaming != 0
    }
}
