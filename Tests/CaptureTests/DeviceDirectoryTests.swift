@testable import Capture
import Foundation
import Testing

/// A `/dev` and `/sys` laid out as the kernel and udev lay them out for one UVC webcam
/// (capture node video0, metadata node video1) and one platform device (video2).
struct FakeDeviceTree {
    let root: URL
    var directory: DeviceDirectory { DeviceDirectory(dev: root.path + "/dev", sys: root.path + "/sys") }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("devtree-\(UUID().uuidString)")
        let fm = FileManager.default
        func write(_ path: String, _ text: String) throws {
            let url = root.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        func link(_ path: String, to target: String) throws {
            let url = root.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: url.path, withDestinationPath: target)
        }
        let usb = "sys/devices/pci0000:00/usb1/1-1"
        try write("\(usb)/idVendor", "046d\n")
        try write("\(usb)/idProduct", "0825\n")
        try write("\(usb)/1-1:1.0/.keep", "")
        try write("sys/devices/platform/vivid.0/.keep", "")
        for (node, index, device) in [("video1", 1, "\(usb)/1-1:1.0"), ("video0", 0, "\(usb)/1-1:1.0"),
                                      ("video2", 0, "sys/devices/platform/vivid.0")] {
            try write("sys/class/video4linux/\(node)/index", "\(index)\n")
            try link("sys/class/video4linux/\(node)/device", to: root.appendingPathComponent(device).path)
            try write("dev/\(node)", "")
        }
        try write("dev/video10x", "")
        try link("dev/kiosk-camera", to: "video0")
        try link("dev/v4l/by-id/usb-046d_0825-video-index0", to: "../../video0")
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

@Suite("Finding cameras")
struct DeviceDirectoryTests {
    @Test func videoNodesAreListedInNumericOrder() throws {
        let tree = try FakeDeviceTree()
        defer { tree.remove() }
        #expect(tree.directory.videoNodes().map { URL(fileURLWithPath: $0).lastPathComponent } == ["video0", "video1", "video2"])
    }

    @Test func aUSBIdResolvesToItsCaptureNodeFirst() throws {
        let tree = try FakeDeviceTree()
        defer { tree.remove() }
        let nodes = try tree.directory.candidates(for: .usb(vendor: 0x046d, product: 0x0825))
        #expect(nodes == [tree.directory.dev + "/video0", tree.directory.dev + "/video1"])
        #expect(tree.directory.usbID(ofNode: tree.directory.dev + "/video2") == nil)
    }

    @Test func anUnknownUSBIdSaysToCheckLsusb() throws {
        let tree = try FakeDeviceTree()
        defer { tree.remove() }
        #expect {
            try tree.directory.candidates(for: .usb(vendor: 0x1234, product: 0x5678))
        } throws: { "\($0)".contains("1234:5678") && "\($0)".contains("lsusb") }
    }

    @Test func stableNamesAreTheSymlinksToTheNode() throws {
        let tree = try FakeDeviceTree()
        defer { tree.remove() }
        let dev = tree.directory.dev
        #expect(tree.directory.stableNames(of: dev + "/video0") == [dev + "/kiosk-camera", dev + "/v4l/by-id/usb-046d_0825-video-index0"])
        #expect(tree.directory.stableNames(of: dev + "/video2").isEmpty)
    }

    @Test func theDefaultCameraIsTheUdevNameWhenItExists() throws {
        let tree = try FakeDeviceTree()
        defer { tree.remove() }
        #expect(SourceSpec.defaultCamera(devices: tree.directory) == .camera(.path(tree.directory.dev + "/kiosk-camera")))
        #expect(SourceSpec.defaultCamera(devices: DeviceDirectory(dev: "/nonexistent", sys: "/sys"))
            == .camera(.path("/nonexistent/video0")))
    }
}

@Suite("Opening a camera that is not there")
struct CameraOpeningErrorTests {
    @Test func aMissingNodeSaysToCheckTheCableAndTheUdevRule() {
        #expect {
            try SourceSpec.camera(.path("/dev/no-such-camera")).open()
        } throws: { error in
            error as? CaptureError == .deviceMissing(path: "/dev/no-such-camera") && "\(error)".contains("udev")
        }
    }

    @Test func aFileThatIsNotAVideoDeviceIsNamedAsSuch() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-camera-\(UUID().uuidString)")
        try Data([0]).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: CaptureError.notVideoDevice(path: file.path)) { try SourceSpec.camera(.path(file.path)).open() }
    }

    @Test func messagesSayWhatToCheck() {
        let cases: [(CaptureError, String)] = [
            (.busy(path: "/dev/video0"), "fuser -v /dev/video0"),
            (.permissionDenied(path: "/dev/video0"), "group `video`"),
            (.notCaptureDevice(path: "/dev/video1", card: "C920", driver: "uvcvideo"), "metadata"),
            (.disconnected(path: "/dev/kiosk-camera", reason: "VIDIOC_DQBUF: No such device"), "camera disconnected"),
            (.deviceError(path: "/dev/video0", operation: "VIDIOC_STREAMON", errno: ENOSPC), "No space left on device"),
        ]
        for (error, fragment) in cases { #expect("\(error)".contains(fragment), "\(error)") }
    }
}
