/// An open, streaming device as the capture loop sees it. `V4L2Device` is one; tests inject fakes
/// that script timeouts, ENODEV, corrupt frames and stalls without a kernel module.
public protocol CaptureStream: AnyObject {
    /// Waits up to `timeoutMs` and returns the newest frame; throws to ask for a restart.
    func next(timeoutMs: Int32) throws(V4L2Error) -> V4L2DequeueResult
    func close()
}

/// Opens (and re-opens after failures) a configured stream.
public protocol CaptureOpener: Sendable {
    var name: String { get }
    func open() throws(V4L2Error) -> any CaptureStream
}

extension V4L2Device: CaptureStream {
    public func next(timeoutMs: Int32) throws(V4L2Error) -> V4L2DequeueResult {
        try dequeueNewest(timeoutMs: timeoutMs)
    }
}
