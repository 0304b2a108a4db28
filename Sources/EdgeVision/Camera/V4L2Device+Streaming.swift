import CV4L2

#if canImport(Glibc)
import Glibc
#endif

/// A driver buffer mapped into our address space.
struct MappedBuffer {
    var start: UnsafeMutableRawPointer
    var length: Int
}

/// What one wait-and-dequeue produced.
public enum V4L2DequeueResult: Sendable {
    /// The newest complete frame; `skipped` older frames were drained, `dropped` counts sequence gaps.
    case frame(CameraFrame, skipped: Int, corrupt: Int)
    /// Only error-flagged or truncated buffers arrived.
    case corrupt(Int)
}

extension V4L2Device {
    /// REQBUFS + QUERYBUF + mmap + QBUF all + STREAMON.
    public func startStreaming(bufferCount: Int, format: V4L2NegotiatedFormat) throws(V4L2Error) {
        var req = v4l2_requestbuffers()
        req.count = UInt32(max(2, bufferCount))
        req.type = cv4l2_buf_type_video_capture
        req.memory = cv4l2_memory_mmap
        try ioctl(cv4l2_vidioc_reqbufs, "VIDIOC_REQBUFS", &req)
        guard req.count >= 2 else {
            throw V4L2Error(.mmapFailed, device: path, operation: "VIDIOC_REQBUFS", detail: "driver granted \(req.count) buffers")
        }
        for index in 0..<req.count {
            var buf = v4l2_buffer()
            buf.type = cv4l2_buf_type_video_capture
            buf.memory = cv4l2_memory_mmap
            buf.index = index
            try ioctl(cv4l2_vidioc_querybuf, "VIDIOC_QUERYBUF", &buf)
            let ptr = v4l2_mmap(nil, Int(buf.length), PROT_READ | PROT_WRITE, MAP_SHARED, fd, Int64(buf.m.offset))
            guard let ptr, ptr != MAP_FAILED else {
                let err = Glibc.errno
                unmapBuffers()
                throw V4L2Error(.mmapFailed, device: path, operation: "v4l2_mmap", errno: err)
            }
            buffers.append(MappedBuffer(start: ptr, length: Int(buf.length)))
        }
        negotiated = format
        for index in 0..<UInt32(buffers.count) { try queue(index) }
        var type = Int32(cv4l2_buf_type_video_capture)
        try ioctl(cv4l2_vidioc_streamon, "VIDIOC_STREAMON", &type)
        streaming = true
        negotiated = format
    }

    public func streamOff() throws(V4L2Error) {
        var type = Int32(cv4l2_buf_type_video_capture)
        streaming = false
        try ioctl(cv4l2_vidioc_streamoff, "VIDIOC_STREAMOFF", &type)
    }

    func unmapBuffers() {
        for b in buffers { v4l2_munmap(b.start, b.length) }
        buffers.removeAll()
        if fd >= 0 {
            // Free the driver's buffers too, so a later REQBUFS with another count works.
            var req = v4l2_requestbuffers()
            req.type = cv4l2_buf_type_video_capture
            req.memory = cv4l2_memory_mmap
            _ = try? ioctl(cv4l2_vidioc_reqbufs, "VIDIOC_REQBUFS", &req)
        }
    }

    func queue(_ index: UInt32) throws(V4L2Error) {
        var buf = v4l2_buffer()
        buf.type = cv4l2_buf_type_video_capture
        buf.memory = cv4l2_memory_mmap
        buf.index = index
        try ioctl(cv4l2_vidioc_qbuf, "VIDIOC_QBUF", &buf, raw: negotiated?.emulated == false)
    }

    /// Waits up to `timeoutMs` for a frame, then drains the queue and keeps only the newest good frame.
    /// Throws `.timeout`, `.noDevice` (unplug) or `.streamError`; the caller restarts or reopens.
    public func dequeueNewest(timeoutMs: Int32) throws(V4L2Error) -> V4L2DequeueResult {
        guard let format = negotiated else {
            throw V4L2Error(.streamError, device: path, operation: "VIDIOC_DQBUF", detail: "not streaming")
        }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var rc: Int32
        repeat { rc = poll(&pfd, 1, timeoutMs) } while rc < 0 && Glibc.errno == EINTR
        if rc < 0 { throw V4L2Error(.streamError, device: path, operation: "poll", errno: Glibc.errno) }
        if rc == 0 {
            throw V4L2Error(.timeout, device: path, operation: "poll", detail: "no frame within \(timeoutMs) ms")
        }
        if pfd.revents & Int16(POLLERR | POLLHUP) != 0 && pfd.revents & Int16(POLLIN) == 0 {
            throw V4L2Error(.streamError, device: path, operation: "poll", detail: "POLLERR/POLLHUP (unplugged, or the driver stopped the queue)")
        }
        var newest: v4l2_buffer?
        var skipped = 0, corrupt = 0
        while true {
            var buf = v4l2_buffer()
            buf.type = cv4l2_buf_type_video_capture
            buf.memory = cv4l2_memory_mmap
            do { try ioctl(cv4l2_vidioc_dqbuf, "VIDIOC_DQBUF", &buf, raw: !format.emulated) } catch {
                if error.errno == EAGAIN { break }
                if let held = newest { try? queue(held.index) }
                throw V4L2Error(
                    error.errno == ENODEV ? .noDevice : .streamError, device: path, operation: "VIDIOC_DQBUF",
                    errno: error.errno)
            }
            guard Int(buf.index) < buffers.count else { continue }
            let bad = buf.flags & cv4l2_buf_flag_error != 0 || buf.bytesused == 0
            if bad {
                corrupt += 1
                try queue(buf.index)
                continue
            }
            if let held = newest {
                skipped += 1
                try queue(held.index)
            }
            newest = buf
        }
        guard let buf = newest else { return .corrupt(corrupt) }
        let mapped = buffers[Int(buf.index)]
        let used = min(Int(buf.bytesused), mapped.length)
        let bytes = [UInt8](UnsafeRawBufferPointer(start: mapped.start, count: used))
        try queue(buf.index)
        let ts = UInt64(buf.timestamp.tv_sec) * 1_000_000_000 + UInt64(buf.timestamp.tv_usec) * 1000
        let frame = CameraFrame(
            fourcc: format.fourcc, width: format.width, height: format.height, bytesPerLine: format.bytesPerLine,
            data: bytes, timestampNs: ts, sequence: buf.sequence)
        if !frame.isComplete { return .corrupt(corrupt + 1) }
        return .frame(frame, skipped: skipped, corrupt: corrupt)
    }
}
