import CV4L2
import Foundation

/// Where a camera stands.
public enum CameraState: Sendable, Equatable, CustomStringConvertible {
    case streaming(CaptureMode)
    /// Gone (unplugged, crashed, silent); `nextFrame` waits for it and resumes.
    case disconnected(reason: String)
    case stopped

    public var description: String {
        switch self {
        case let .streaming(mode): "streaming \(mode)"
        case let .disconnected(reason): "camera disconnected: \(reason)"
        case .stopped: "stopped"
        }
    }
}

/// A V4L2 camera streaming through memory-mapped buffers.
///
/// `nextFrame` takes the newest filled buffer and queues older ones straight back (counting
/// them as dropped; gaps in the driver's sequence numbers are counted as lost). The frame lends the
/// buffer without copying; it goes back to the driver when the frame is released, so hold on
/// to frames only briefly (or `detached()` them): with every buffer held, `nextFrame` throws
/// `allBuffersHeld`.
///
/// When the device disappears (ENODEV/EIO, or no frame for `stallTimeout`), the camera closes
/// everything, reports `disconnected`, and on the following calls reopens the same address,
/// the same mode and the same control settings and locks as soon as the device is back.
/// Use it from one thread; frames may be released on any thread.
public final class V4L2Camera: FrameSource, @unchecked Sendable {
    public let address: CameraAddress
    public let request: ModeRequest
    public let stallTimeout: Duration
    private let directory: DeviceDirectory
    private let bufferCount: Int
    private let lock = NSLock()

    private var device: V4L2Device?
    private var ring: BufferRing?
    private var settings: CameraSettings
    /// Automatic controls switched off by `lockExposureAndWhiteBalance`: the pair, the
    /// automatic value to restore, and the manual value it was frozen at.
    private var locks: [(pair: AutomaticPair, restore: Int32, value: Int32)] = []
    private var chosenMode: CaptureMode?
    private var bytesPerLine = 0
    private var stats = FrameStatistics()
    private var lastDriverSequence: UInt32?
    private var sequenceBase: UInt64 = 0
    private var nextSequence: UInt64 = 0
    private var lastFrameTime = MonotonicTime.now()
    private var currentState = CameraState.stopped
    private var identity = (card: "", driver: "", busInfo: "", node: "")

    /// - Parameters:
    ///   - stallTimeout: how long a streaming camera may send nothing before it counts as
    ///     disconnected (webcams stall briefly while adjusting exposure; 2 s rides that out).
    public init(address: CameraAddress, request: ModeRequest = ModeRequest(), settings: CameraSettings = CameraSettings(),
                directory: DeviceDirectory = .system, bufferCount: Int = 4, stallTimeout: Duration = .seconds(2)) {
        self.address = address
        self.request = request
        self.settings = settings
        self.directory = directory
        self.bufferCount = bufferCount
        self.stallTimeout = stallTimeout
    }

    deinit { stop() }

    public var name: String {
        lock.withLock { identity.card.isEmpty ? address.description : "\(address) (\(identity.card))" }
    }
    public var statistics: FrameStatistics { lock.withLock { stats } }
    public var state: CameraState { lock.withLock { currentState } }
    /// The mode streaming now (or last streamed).
    public var mode: CaptureMode? { lock.withLock { chosenMode } }
    /// The device node in use and the driver's names for it.
    public var deviceIdentity: (card: String, driver: String, busInfo: String, node: String) { lock.withLock { identity } }

    /// Opens the device, chooses the mode, applies the settings and starts streaming.
    /// - Returns: what happened to each requested control.
    @discardableResult
    public func start() throws -> [ControlReport] {
        try lock.withLock { try open() }
    }

    public func stop() {
        lock.withLock {
            tearDown()
            currentState = .stopped
        }
    }

    // MARK: Frames

    public func nextFrame(timeout: Duration) throws -> Frame {
        try lock.withLock {
            let deadline = MonotonicTime.now() + timeout
            if case .stopped = currentState { throw CaptureError.stopped(source: address.description) }
            if device == nil { try reconnect(until: deadline) }
            var deviceReportedError = false
            var skippedStale = false
            while true {
                if let ring, ring.lentCount >= ring.count { throw CaptureError.allBuffersHeld(count: ring.count) }
                switch try takeNewest(acceptStale: skippedStale) {
                case let .frame(frame): return frame
                case .stale: skippedStale = true
                case .none: break
                }
                // vb2 flags an error in poll without a buffer to show for it when the
                // queue is dead; the dequeue above gave no errno, so say what poll said.
                if deviceReportedError { throw disconnect("the device reported an error") }
                let now = MonotonicTime.now()
                let stall = effectiveStallTimeout
                if now - lastFrameTime > stall {
                    throw disconnect("no frame for \(String(format: "%.1f", stall.secondsValue)) s")
                }
                guard now < deadline else {
                    throw CaptureError.timeout(source: address.description, seconds: timeout.secondsValue)
                }
                deviceReportedError = try wait(until: min(deadline, lastFrameTime + stall + .milliseconds(1)))
            }
        }
    }

    /// The stall timeout, stretched to three frame intervals for slow modes (a 4K still at
    /// 2 fps is not a stalled camera).
    private var effectiveStallTimeout: Duration {
        guard let fps = chosenMode?.framesPerSecond, fps > 0 else { return stallTimeout }
        return max(stallTimeout, .nanoseconds(Int64(3e9 / fps)))
    }

    /// Polls until a buffer is ready or `deadline`; true when the device flagged an error.
    private func wait(until deadline: MonotonicTime) throws -> Bool {
        guard let device else { return false }
        var entry = pollfd(fd: device.fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = max(0, Int32((deadline - MonotonicTime.now()).nanosecondsRounded / 1_000_000) + 1)
        let ready = poll(&entry, 1, milliseconds)
        if ready < 0 && errno != EINTR { throw disconnect("poll: \(String(cString: strerror(errno)))") }
        return ready > 0 && entry.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 && entry.revents & Int16(POLLIN) == 0
    }

    private enum Take {
        case frame(Frame)
        /// Only a frame filled long ago was there; it went back to the driver.
        case stale
        case none
    }

    /// Dequeues every filled buffer, queues all but the newest straight back, and returns the
    /// newest as a frame.
    ///
    /// When the consumer has not asked for a while, the driver has had no free buffer and the
    /// newest one it filled is as old as the pause. Unless `acceptStale`, such a buffer goes
    /// back and the caller waits for the frame the driver fills next: the present, as promised.
    /// (Only for drivers stamping with the monotonic clock, whose age can be told.)
    private func takeNewest(acceptStale: Bool) throws -> Take {
        guard let device, let ring else { return .none }
        var newest: v4l2_buffer?
        while true {
            var buffer = BufferRing.buffer(0)
            if let code = device.tryIoctl(CV4L2_VIDIOC_DQBUF, &buffer) {
                if code == EAGAIN { break }
                let failure = device.error("VIDIOC_DQBUF", code)
                if case let .disconnected(_, reason) = failure { throw disconnect(reason) }
                throw failure
            }
            if buffer.flags & UInt32(V4L2_BUF_FLAG_ERROR) != 0 {
                ring.requeue(buffer.index)
                stats.dropped += 1
                continue
            }
            if let older = newest {
                ring.requeue(older.index)
                stats.dropped += 1
            }
            newest = buffer
        }
        guard let buffer = newest else { return .none }
        lastFrameTime = MonotonicTime.now()
        let stamp = UInt64(buffer.timestamp.tv_sec) * 1_000_000_000 + UInt64(buffer.timestamp.tv_usec) * 1000
        let monotonic = buffer.flags & UInt32(V4L2_BUF_FLAG_TIMESTAMP_MASK) == UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
        if !acceptStale, monotonic, let fps = chosenMode?.framesPerSecond, fps > 0,
           lastFrameTime - MonotonicTime(nanoseconds: stamp) > .nanoseconds(Int64(2e9 / fps)) {
            ring.requeue(buffer.index)
            stats.dropped += 1
            return .stale
        }
        if let last = lastDriverSequence, buffer.sequence > last &+ 1 {
            stats.lost += Int(buffer.sequence - last - 1)
        }
        lastDriverSequence = buffer.sequence
        nextSequence = sequenceBase + UInt64(buffer.sequence)
        stats.delivered += 1
        let mode = chosenMode!
        let used = buffer.bytesused > 0 ? Int(buffer.bytesused) : Int(buffer.length)
        return .frame(Frame(pixelFormat: mode.pixelFormat, width: mode.width, height: mode.height,
                            bytesPerLine: mode.pixelFormat.isCompressed ? 0 : bytesPerLine,
                            timestamp: stamp > 0 ? MonotonicTime(nanoseconds: stamp) : .now(),
                            sequence: nextSequence, bytes: ring.lend(buffer.index, length: used)))
    }

    // MARK: Opening, closing, coming back

    /// Opens the first usable node of the address, in the chosen mode (the request's on the
    /// first open, exactly the same one afterwards), with settings and locks applied.
    private func open() throws -> [ControlReport] {
        var firstError: CaptureError?
        for node in try directory.candidates(for: address) {
            do {
                return try open(node: node)
            } catch let error as CaptureError {
                firstError = firstError ?? error
            }
        }
        throw firstError ?? CaptureError.deviceMissing(path: address.description)
    }

    private func open(node: String) throws -> [ControlReport] {
        let device = try V4L2Device(path: node)
        let caps = try device.capabilities()
        guard caps.canCapture, caps.canStream else {
            throw CaptureError.notCaptureDevice(path: node, card: caps.card, driver: caps.driver)
        }
        let wanted: ModeRequest
        if let previous = chosenMode {
            wanted = ModeRequest(pixelFormat: previous.pixelFormat, width: previous.width, height: previous.height,
                                 minimumFPS: previous.framesPerSecond)
        } else {
            wanted = request
        }
        let mode = try wanted.choose(from: device.formats(), device: node)
        let (actual, stride, _) = try device.setMode(mode)
        guard actual.pixelFormat == mode.pixelFormat, actual.width == mode.width, actual.height == mode.height else {
            throw CaptureError.noUsableFormat(path: node, wanted: mode.description, offered: [actual.description])
        }
        var reports = try device.apply(settings)
        for lock in locks { reports += try device.apply(.manual(lock.value), lock.pair) }
        let ring = try BufferRing(device: device, count: bufferCount)
        var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
        try device.ioctl(CV4L2_VIDIOC_STREAMON, "VIDIOC_STREAMON", &type)
        self.device = device
        self.ring = ring
        chosenMode = actual
        bytesPerLine = stride
        identity = (caps.card, caps.driver, caps.busInfo, node)
        lastDriverSequence = nil
        lastFrameTime = .now()
        currentState = .streaming(actual)
        return reports
    }

    /// Stops streaming and closes the device; safe to call in any state.
    private func tearDown() {
        ring?.deactivate()
        if let device {
            var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
            _ = device.tryIoctl(CV4L2_VIDIOC_STREAMOFF, &type)
            ring = nil
            // Frees the buffers unless a frame still holds one; closing frees them then.
            var release = v4l2_requestbuffers()
            release.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            release.memory = V4L2_MEMORY_MMAP.rawValue
            _ = device.tryIoctl(CV4L2_VIDIOC_REQBUFS, &release)
            device.close()
        }
        ring = nil
        device = nil
    }

    private func disconnect(_ reason: String) -> CaptureError {
        tearDown()
        currentState = .disconnected(reason: reason)
        sequenceBase = nextSequence + 1
        return .disconnected(path: address.description, reason: reason)
    }

    /// Polls the address until the device opens again or `deadline` passes.
    private func reconnect(until deadline: MonotonicTime) throws {
        guard case let .disconnected(reason) = currentState else { return }
        while true {
            do {
                _ = try open()
                stats.reconnections += 1
                return
            } catch let error as CaptureError {
                tearDown()
                switch error {
                case .deviceMissing, .disconnected, .busy, .notVideoDevice, .usbDeviceNotFound: break
                default: throw error
                }
            }
            let now = MonotonicTime.now()
            guard now < deadline else { throw CaptureError.disconnected(path: address.description, reason: reason) }
            sleepFor(min(deadline - now, .milliseconds(200)))
        }
    }

    // MARK: Controls

    /// Every control the camera has, with current values.
    public func controls() throws -> [ControlInfo] {
        try lock.withLock { try connectedDevice().controls() }
    }

    /// Applies settings now and keeps them for reconnections.
    public func apply(_ newSettings: CameraSettings) throws -> [ControlReport] {
        try lock.withLock {
            let reports = try connectedDevice().apply(newSettings)
            settings = newSettings
            return reports
        }
    }

    /// Sets any control by id (for driver-specific ones found through `controls()`).
    public func setControl(id: UInt32, to value: Int32) throws {
        try lock.withLock {
            let device = try connectedDevice()
            var control = v4l2_control(id: id, value: value)
            try device.ioctl(CV4L2_VIDIOC_S_CTRL, "VIDIOC_S_CTRL", &control)
        }
    }

    /// The current value of a control the station uses, or nil when the camera lacks it.
    public func value(of control: CameraControl) throws -> Int32? {
        try lock.withLock { try connectedDevice().control(control.id) }
    }

    /// Freezes exposure, white balance and gain at the values the automatic settings have
    /// reached, so that the empty backdrop and the person are taken alike. The lock survives
    /// reconnection. Controls the camera lacks are reported as missing.
    @discardableResult
    public func lockExposureAndWhiteBalance() throws -> [ControlReport] {
        try lock.withLock {
            let device = try connectedDevice()
            var reports = [ControlReport]()
            for pair in AutomaticPair.locked where !locks.contains(where: { $0.pair.automatic == pair.automatic }) {
                guard let automatic = try device.control(pair.automatic.id) else {
                    reports.append(ControlReport(control: pair.automatic, outcome: .missing))
                    continue
                }
                let applied = try device.apply(.manual(nil), pair)
                reports += applied
                if case let .set(value)? = applied.last?.outcome, applied.last?.control == pair.value {
                    locks.append((pair, automatic, Int32(value)))
                }
            }
            return reports
        }
    }

    /// Gives exposure, white balance and gain back to the camera's automatics (as they were
    /// before locking).
    @discardableResult
    public func unlockExposureAndWhiteBalance() throws -> [ControlReport] {
        try lock.withLock {
            let device = try connectedDevice()
            defer { locks.removeAll() }
            return try locks.map { try device.set($0.pair.automatic, to: $0.restore) }
        }
    }

    /// True while a lock is in force.
    public var isLocked: Bool { lock.withLock { !locks.isEmpty } }

    private func connectedDevice() throws -> V4L2Device {
        guard let device else {
            if case let .disconnected(reason) = currentState {
                throw CaptureError.disconnected(path: address.description, reason: reason)
            }
            throw CaptureError.stopped(source: address.description)
        }
        return device
    }
}
