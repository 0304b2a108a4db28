#if canImport(Glibc)
import Glibc
#endif

/// A failure of a V4L2 operation, naming the device, the operation and the errno.
public struct V4L2Error: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable {
            case noDevice, permissionDenied, notV4L2, notCapture, busy, ioctlFailed
            case unsupportedFormat, controlOutOfRange, unknownControl, timeout, streamError, mmapFailed
        }
        fileprivate let base: Base
        public var description: String { base.rawValue }

        /// The path does not exist or the device went away (ENOENT, ENODEV, ENXIO).
        public static let noDevice = Code(base: .noDevice)
        public static let permissionDenied = Code(base: .permissionDenied)
        /// The file opened but does not answer VIDIOC_QUERYCAP (e.g. /dev/null).
        public static let notV4L2 = Code(base: .notV4L2)
        /// A V4L2 node that cannot capture video (an output, codec or metadata node).
        public static let notCapture = Code(base: .notCapture)
        public static let busy = Code(base: .busy)
        public static let ioctlFailed = Code(base: .ioctlFailed)
        /// The requested format or size is not offered; `detail` lists what is.
        public static let unsupportedFormat = Code(base: .unsupportedFormat)
        public static let controlOutOfRange = Code(base: .controlOutOfRange)
        public static let unknownControl = Code(base: .unknownControl)
        /// No frame arrived within the poll timeout.
        public static let timeout = Code(base: .timeout)
        /// POLLERR or an unrecoverable DQBUF error: the stream must be restarted.
        public static let streamError = Code(base: .streamError)
        public static let mmapFailed = Code(base: .mmapFailed)
    }

    public var code: Code
    /// The device path as the caller gave it.
    public var device: String
    /// The failing operation, e.g. "VIDIOC_S_FMT" or "open".
    public var operation: String
    /// The errno, when a system call failed.
    public var errno: Int32?
    /// Extra context: what the device offers, the allowed range, ...
    public var detail: String?

    public init(_ code: Code, device: String, operation: String, errno: Int32? = nil, detail: String? = nil) {
        self.code = code
        self.device = device
        self.operation = operation
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        var text = "\(device): \(operation) failed (\(code))"
        if let errno { text += ": \(String(cString: strerror(errno))) (errno \(errno))" }
        if let detail { text += "; \(detail)" }
        return text
    }

    /// Maps an errno from `open` or an ioctl to the closest code.
    static func code(forErrno value: Int32) -> Code {
        switch value {
        case ENOENT, ENODEV, ENXIO: .noDevice
        case EACCES, EPERM: .permissionDenied
        case EBUSY: .busy
        case ENOTTY, EINVAL: .ioctlFailed
        default: .ioctlFailed
        }
    }
}
