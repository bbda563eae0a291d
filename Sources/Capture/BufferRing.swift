import CV4L2
import Foundation

/// The driver's memory-mapped capture buffers.
///
/// Frames borrow a buffer's memory and queue it back when released. The ring outlives the
/// stream if a frame is still held when the camera stops or disconnects: the mapping stays
/// valid until the last frame is gone, and buffers released after `deactivate` are not queued.
final class BufferRing: @unchecked Sendable {
    private let fd: Int32
    private var mappings: [UnsafeMutableRawBufferPointer] = []
    // Guards `active` against a frame being released on another thread while the camera
    // stops: after `deactivate` returns, the fd is never touched again.
    private let lock = NSLock()
    private var active = true
    private var lent = 0

    init(device: V4L2Device, count: Int) throws {
        fd = device.fd
        var request = v4l2_requestbuffers()
        request.count = UInt32(count)
        request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        try device.ioctl(CV4L2_VIDIOC_REQBUFS, "VIDIOC_REQBUFS", &request)
        guard request.count >= 2 else {
            throw CaptureError.deviceError(path: device.path, operation: "VIDIOC_REQBUFS (got \(request.count) buffers)",
                                           errno: ENOMEM)
        }
        for index in 0..<request.count {
            var buffer = Self.buffer(index)
            try device.ioctl(CV4L2_VIDIOC_QUERYBUF, "VIDIOC_QUERYBUF", &buffer)
            let address = v4l2_mmap(nil, Int(buffer.length), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                                    Int64(buffer.m.offset))
            guard let address, address != MAP_FAILED else {
                throw CaptureError.deviceError(path: device.path, operation: "mmap", errno: errno)
            }
            mappings.append(UnsafeMutableRawBufferPointer(start: address, count: Int(buffer.length)))
            try device.ioctl(CV4L2_VIDIOC_QBUF, "VIDIOC_QBUF", &buffer)
        }
    }

    deinit {
        for mapping in mappings { v4l2_munmap(mapping.baseAddress, mapping.count) }
    }

    var count: Int { mappings.count }

    static func buffer(_ index: UInt32) -> v4l2_buffer {
        var buffer = v4l2_buffer()
        buffer.index = index
        buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        buffer.memory = V4L2_MEMORY_MMAP.rawValue
        return buffer
    }

    /// Lends buffer `index`'s first `length` bytes; the buffer is queued back on release.
    func lend(_ index: UInt32, length: Int) -> FrameBytes {
        let memory = UnsafeRawBufferPointer(rebasing: mappings[Int(index)][..<min(length, mappings[Int(index)].count)])
        lock.withLock { lent += 1 }
        return FrameBytes(lending: memory) { [self] in
            lock.withLock { lent -= 1 }
            requeue(index)
        }
    }

    /// Buffers held by frames the consumer has not released yet.
    var lentCount: Int { lock.withLock { lent } }

    /// Gives a buffer back to the driver, unless the stream has ended. A failure here means
    /// the device is going away, which the next poll reports.
    func requeue(_ index: UInt32) {
        lock.withLock {
            guard active else { return }
            var buffer = Self.buffer(index)
            _ = cv4l2_ioctl(fd, CV4L2_VIDIOC_QBUF, &buffer)
        }
    }

    func deactivate() {
        lock.withLock { active = false }
    }
}
