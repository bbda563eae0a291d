import Foundation

/// Something that produces camera frames: a V4L2 camera, a replayed recording, a test card.
///
/// Sources are pulled, not pushed: `nextFrame` waits for a frame newer than the last one it
/// returned and returns the newest one available. Frames the consumer was too slow to take are
/// dropped and counted in `statistics`, never queued, so a slow analysis always sees the
/// present rather than falling further behind. A camera frame's bytes stay in the driver's
/// buffer until the frame is released, which is why nothing is buffered on the consumer's side.
public protocol FrameSource: AnyObject, Sendable {
    /// What the source is, for messages: `/dev/video0 (vivid)`, `replay:/data/run1@15`.
    var name: String { get }
    /// Waits at most `timeout` for a new frame.
    ///
    /// - Throws: `CaptureError.timeout` when none came in time, `.endOfStream` when a
    ///   non-looping replay has ended, `.disconnected` when a camera went away (call again to
    ///   wait for it to return; it resumes with the same mode and control settings).
    func nextFrame(timeout: Duration) throws -> Frame
    /// What was delivered and dropped so far.
    var statistics: FrameStatistics { get }
    /// Stops producing frames and releases the device; later calls to `nextFrame` fail.
    func stop()
}

/// Counters kept by every source.
public struct FrameStatistics: Sendable, Codable, Equatable {
    /// Frames returned by `nextFrame`.
    public var delivered: Int = 0
    /// Frames produced but never returned because a newer one was there when the consumer
    /// asked: the consumer was slower than the source.
    public var dropped: Int = 0
    /// Frames a camera driver counted but never filled (gaps in its sequence numbers): the
    /// driver or the bus fell behind, or every buffer was held by the consumer.
    public var lost: Int = 0
    /// Times a camera came back after a disconnection.
    public var reconnections: Int = 0

    public init() {}
}

/// Why a source could not give a frame. Every message says what to check.
public enum CaptureError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidSpec(String, reason: String)
    case deviceMissing(path: String)
    case usbDeviceNotFound(vendor: UInt16, product: UInt16)
    case permissionDenied(path: String)
    case busy(path: String)
    case notVideoDevice(path: String)
    case notCaptureDevice(path: String, card: String, driver: String)
    case noUsableFormat(path: String, wanted: String, offered: [String])
    case unsupportedPixelFormat(FourCC)
    case deviceError(path: String, operation: String, errno: Int32)
    case disconnected(path: String, reason: String)
    case timeout(source: String, seconds: Double)
    case endOfStream(source: String)
    case replayEmpty(path: String)
    case replayUnreadable(path: String, detail: String)
    case recordingFolderInUse(path: String, frames: Int)
    case stopped(source: String)
    case allBuffersHeld(count: Int)

    public var description: String {
        switch self {
        case let .invalidSpec(spec, reason):
            "cannot use camera source \"\(spec)\": \(reason). Use /dev/videoN, /dev/kiosk-camera, usb:VVVV:PPPP, replay:DIR[@FPS][,once] or pattern:[WxH][@FPS]"
        case let .deviceMissing(path):
            "no camera at \(path): check the USB cable, run `ls -l /dev/video* /dev/kiosk-camera`, and install the udev rule (udev/README.md) for the stable name"
        case let .usbDeviceNotFound(vendor, product):
            "no video device belongs to USB id \(String(format: "%04x:%04x", vendor, product)): check `lsusb` lists it and that the uvcvideo driver is loaded"
        case let .permissionDenied(path):
            "no permission to open \(path): add the station user to group `video` or install the udev rule (udev/README.md), then log in again"
        case let .busy(path):
            "\(path) is in use by another program: close it (find it with `fuser -v \(path)`) and try again"
        case let .notVideoDevice(path):
            "\(path) is not a V4L2 video device: check the path with `kiosk devices`"
        case let .notCaptureDevice(path, card, driver):
            "\(path) (\(card), driver \(driver)) cannot capture video; a webcam often has a second, metadata-only node: pick the capture node that `kiosk devices` lists"
        case let .noUsableFormat(path, wanted, offered):
            "\(path) offers no usable mode for \(wanted); it offers \(offered.isEmpty ? "nothing" : offered.joined(separator: ", ")). Change the mode setting or use another camera"
        case let .unsupportedPixelFormat(code):
            "frames in pixel format \(code) cannot be converted; choose MJPG, YUYV, NV12, RGB3 or GREY"
        case let .deviceError(path, operation, code):
            "\(operation) failed on \(path): \(String(cString: strerror(code))) (errno \(code)); replug the camera, and if it persists check `dmesg`"
        case let .disconnected(path, reason):
            "camera disconnected (\(path): \(reason)); waiting for it to come back: check the USB cable"
        case let .timeout(source, seconds):
            "no frame from \(source) within \(String(format: "%.1f", seconds)) s"
        case let .endOfStream(source):
            "\(source) has no more frames"
        case let .replayEmpty(path):
            "\(path) holds no .jpg files and no .mjpeg stream to replay; record some with `kiosk record`"
        case let .replayUnreadable(path, detail):
            "cannot replay \(path): \(detail)"
        case let .recordingFolderInUse(path, frames):
            "\(path) already holds \(frames) recorded frames; record into a new folder"
        case let .allBuffersHeld(count):
            "all \(count) camera buffers are held by frames not yet released; keep copies made with detached() instead"
        case let .stopped(source):
            "\(source) was stopped"
        }
    }
}

/// Paces a synthetic source like a camera: frame `k` is due at `start + k / fps`, and a call
/// returns the newest frame already due, counting the ones it skipped.
struct FramePacer {
    let interval: Duration
    private(set) var start: MonotonicTime?
    private(set) var lastIndex: Int64 = -1

    init(fps: Double) {
        interval = .nanoseconds(Int64((1e9 / fps).rounded()))
    }

    private func due(_ index: Int64, from start: MonotonicTime) -> MonotonicTime {
        start + interval * Int(index)
    }

    /// The index of the frame to deliver, when it was due, and how many were skipped before
    /// it; nil when no new frame became due within `timeout`.
    mutating func next(timeout: Duration, now: () -> MonotonicTime = MonotonicTime.now,
                       sleep: (Duration) -> Void = sleepFor) -> (index: Int64, due: MonotonicTime, skipped: Int64)? {
        let begin = now()
        let origin = start ?? begin
        start = origin
        let deadline = begin + timeout
        while true {
            let current = now()
            let newest = Int64((current - origin).nanosecondsRounded / interval.nanosecondsRounded)
            if newest > lastIndex {
                defer { lastIndex = newest }
                return (newest, due(newest, from: origin), newest - lastIndex - 1)
            }
            let wake = due(lastIndex + 1, from: origin)
            guard wake <= deadline else {
                if deadline > current { sleep(deadline - current) }
                return nil
            }
            sleep(wake - current)
        }
    }
}

func sleepFor(_ duration: Duration) {
    guard duration > .zero else { return }
    var request = timespec(tv_sec: Int(duration.components.seconds),
                           tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}
