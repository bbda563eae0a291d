import CV4L2
import Foundation

/// An open V4L2 device node, reached through libv4l2 with its format conversion switched off
/// (this module converts frames itself, through ImageKit).
final class V4L2Device {
    let path: String
    let fd: Int32
    private var closed = false

    /// Opens `path` for non-blocking streaming; errors say what to check.
    init(path: String) throws {
        let raw = Glibc.open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard raw >= 0 else {
            let code = errno
            switch code {
            case ENOENT, ENXIO, ENODEV: throw CaptureError.deviceMissing(path: path)
            case EACCES, EPERM: throw CaptureError.permissionDenied(path: path)
            case EBUSY: throw CaptureError.busy(path: path)
            default: throw CaptureError.deviceError(path: path, operation: "open", errno: code)
            }
        }
        self.path = path
        fd = v4l2_fd_open(raw, Int32(V4L2_DISABLE_CONVERSION))
        guard fd >= 0 else {
            Glibc.close(raw)
            throw CaptureError.notVideoDevice(path: path)
        }
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        v4l2_close(fd)
    }

    /// Runs an ioctl; ENODEV and EIO, which a vanished USB device gives, become `disconnected`.
    func ioctl<T>(_ request: UInt, _ name: String, _ argument: inout T) throws {
        if let code = tryIoctl(request, &argument) {
            throw error(name, code)
        }
    }

    /// Runs an ioctl and returns its errno when it fails (enumerations end with EINVAL).
    func tryIoctl<T>(_ request: UInt, _ argument: inout T) -> Int32? {
        // Only plain C structs from videodev2.h come here.
        withUnsafeMutableBytes(of: &argument) { cv4l2_ioctl(fd, request, $0.baseAddress) } == 0 ? nil : errno
    }

    func error(_ operation: String, _ code: Int32) -> CaptureError {
        switch code {
        case ENODEV, EIO, ENXIO: .disconnected(path: path, reason: "\(operation): \(String(cString: strerror(code)))")
        case EBUSY: .busy(path: path)
        default: .deviceError(path: path, operation: operation, errno: code)
        }
    }

    // MARK: Capabilities

    struct Capabilities {
        var driver: String
        var card: String
        var busInfo: String
        var canCapture: Bool
        var canStream: Bool
    }

    func capabilities() throws -> Capabilities {
        var caps = v4l2_capability()
        try ioctl(CV4L2_VIDIOC_QUERYCAP, "VIDIOC_QUERYCAP", &caps)
        // A node's own capabilities, not those of the whole device (which include its
        // metadata node's), when the driver reports them.
        let flags = caps.capabilities & UInt32(V4L2_CAP_DEVICE_CAPS) != 0 ? caps.device_caps : caps.capabilities
        return Capabilities(driver: cString(caps.driver), card: cString(caps.card), busInfo: cString(caps.bus_info),
                            canCapture: flags & UInt32(V4L2_CAP_VIDEO_CAPTURE) != 0,
                            canStream: flags & UInt32(V4L2_CAP_STREAMING) != 0)
    }

    // MARK: Formats

    /// Runs an enumerating ioctl for index 0, 1, … until the driver answers EINVAL.
    /// (A stepwise or continuous range comes as the single entry at index 0.)
    private func enumerate<T>(_ request: UInt, _ name: String, _ entry: (UInt32) -> T) throws -> [T] {
        var entries = [T]()
        for index in UInt32(0)... {
            var argument = entry(index)
            if let code = tryIoctl(request, &argument) {
                if code == EINVAL { break }
                throw error(name, code)
            }
            entries.append(argument)
        }
        return entries
    }

    func formats() throws -> [FormatDescription] {
        let descriptions = try enumerate(CV4L2_VIDIOC_ENUM_FMT, "VIDIOC_ENUM_FMT") { index in
            var desc = v4l2_fmtdesc()
            desc.index = index
            desc.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
            return desc
        }
        return try descriptions.map { desc in
            let fourcc = FourCC(rawValue: desc.pixelformat)
            return FormatDescription(pixelFormat: fourcc, name: cString(desc.description),
                                     compressed: desc.flags & UInt32(V4L2_FMT_FLAG_COMPRESSED) != 0,
                                     sizes: try frameSizes(fourcc))
        }
    }

    private func frameSizes(_ fourcc: FourCC) throws -> [FrameSizeDescription] {
        let entries = try enumerate(CV4L2_VIDIOC_ENUM_FRAMESIZES, "VIDIOC_ENUM_FRAMESIZES") { index in
            var size = v4l2_frmsizeenum()
            size.index = index
            size.pixel_format = fourcc.rawValue
            return size
        }
        var sizes = entries.map { (Int($0.discrete.width), Int($0.discrete.height)) }
        if let range = entries.first, range.type != V4L2_FRMSIZE_TYPE_DISCRETE.rawValue {
            let s = range.stepwise
            sizes = FrameSizeDescription.commonSizes(
                minWidth: Int(s.min_width), maxWidth: Int(s.max_width), stepWidth: Int(max(1, s.step_width)),
                minHeight: Int(s.min_height), maxHeight: Int(s.max_height), stepHeight: Int(max(1, s.step_height)))
        }
        return try sizes.map { width, height in
            FrameSizeDescription(width: width, height: height, framesPerSecond: try frameRates(fourcc, width, height))
        }
    }

    private func frameRates(_ fourcc: FourCC, _ width: Int, _ height: Int) throws -> [Double] {
        let entries = try enumerate(CV4L2_VIDIOC_ENUM_FRAMEINTERVALS, "VIDIOC_ENUM_FRAMEINTERVALS") { index in
            var interval = v4l2_frmivalenum()
            interval.index = index
            interval.pixel_format = fourcc.rawValue
            interval.width = UInt32(width)
            interval.height = UInt32(height)
            return interval
        }
        var rates = entries.map { rate($0.discrete) }
        if let range = entries.first, range.type != V4L2_FRMIVAL_TYPE_DISCRETE.rawValue {
            // Continuous or stepwise: the extremes are what a mode choice needs.
            rates = [rate(range.stepwise.min), rate(range.stepwise.max)]
        }
        return Array(Set(rates.filter { $0 > 0 })).sorted(by: >)
    }

    private func rate(_ fraction: v4l2_fract) -> Double {
        fraction.numerator == 0 ? 0 : Double(fraction.denominator) / Double(fraction.numerator)
    }

    /// Sets the format and frame rate; returns what the driver actually took.
    func setMode(_ mode: CaptureMode) throws -> (mode: CaptureMode, bytesPerLine: Int, imageSize: Int) {
        var format = v4l2_format()
        format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        format.fmt.pix.width = UInt32(mode.width)
        format.fmt.pix.height = UInt32(mode.height)
        format.fmt.pix.pixelformat = mode.pixelFormat.rawValue
        format.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        try ioctl(CV4L2_VIDIOC_S_FMT, "VIDIOC_S_FMT", &format)
        var parm = v4l2_streamparm()
        parm.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        var fps = mode.framesPerSecond
        if mode.framesPerSecond > 0 {
            // 1001/30000 style fractions keep NTSC-like rates exact.
            parm.parm.capture.timeperframe = v4l2_fract(numerator: 1000, denominator: UInt32((mode.framesPerSecond * 1000).rounded()))
            if tryIoctl(CV4L2_VIDIOC_S_PARM, &parm) == nil {
                fps = rate(parm.parm.capture.timeperframe)
            }
        }
        let pix = format.fmt.pix
        let actual = CaptureMode(pixelFormat: FourCC(rawValue: pix.pixelformat), width: Int(pix.width),
                                 height: Int(pix.height), framesPerSecond: fps)
        return (actual, Int(pix.bytesperline), Int(pix.sizeimage))
    }
}

/// A C `char[N]` field as a Swift string.
func cString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}
