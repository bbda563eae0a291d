@testable import Capture
import Foundation
import ImageKit
import Testing

/// The vivid device these tests drive, when there is one: the VM of
/// `scripts/vm/run-capture-tests.sh` loads vivid as one webcam-like capture node.
enum Vivid {
    static let path = ProcessInfo.processInfo.environment["KIOSK_V4L2_DEVICE"] ?? "/dev/video0"
    static var available: Bool {
        let node = URL(fileURLWithPath: path).resolvingSymlinksInPath().lastPathComponent
        let name = try? String(contentsOfFile: "/sys/class/video4linux/\(node)/name", encoding: .utf8)
        return name?.contains("vivid") == true
    }
    static let missingMessage = "needs a vivid V4L2 device at \(path): run scripts/vm/run-capture-tests.sh"
    /// The module file and options to reload vivid with (set by the VM script).
    static let module = ProcessInfo.processInfo.environment["KIOSK_VIVID_MODULE"]
    static let moduleOptions = ProcessInfo.processInfo.environment["KIOSK_VIVID_OPTIONS"] ?? ""

    /// YUYV 640×480 at 25 fps: the fastest vivid offers at that size.
    static func camera(settings: CameraSettings = CameraSettings()) throws -> V4L2Camera {
        let camera = V4L2Camera(address: .path(path),
                                request: ModeRequest(pixelFormat: .yuyv, width: 640, height: 480, minimumFPS: 25),
                                settings: settings)
        try camera.start()
        return camera
    }

    static func writeSysfs(_ file: String, _ value: String) throws {
        try Data(value.utf8).write(to: URL(fileURLWithPath: file))
    }

    /// Runs a program and returns its exit status. (Through posix_spawn: Foundation's
    /// `Process` stalls in the VM's minimal init environment.)
    static func run(_ arguments: [String]) -> Int32 {
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawnp(&pid, arguments[0], nil, nil, &argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status
    }
}

/// Takes frames until the camera reports the disconnection (frames already filled may
/// still arrive first).
private func expectDisconnection(_ camera: V4L2Camera, sourceLocation: SourceLocation = #_sourceLocation) {
    for _ in 0..<10 {
        do {
            _ = try camera.nextFrame(timeout: .seconds(3))
        } catch CaptureError.disconnected {
            if case .disconnected = camera.state { return }
        } catch {
            Issue.record("expected a disconnection, got: \(error)", sourceLocation: sourceLocation)
            return
        }
    }
    Issue.record("the camera never reported the disconnection", sourceLocation: sourceLocation)
}

@Suite("V4L2 capture on vivid", .serialized, .enabled(if: Vivid.available, Comment(rawValue: Vivid.missingMessage)))
struct VividCameraTests {
    @Test func listsTheCameraWithFormatsSizesRatesAndControls() throws {
        let (cameras, _) = DeviceDirectory.system.cameras(includeControls: true)
        let vivid = try #require(cameras.first { $0.path == Vivid.path })
        #expect(vivid.driver == "vivid")
        let yuyv = try #require(vivid.formats.first { $0.pixelFormat == .yuyv })
        let vga = try #require(yuyv.sizes.first { $0.width == 640 && $0.height == 480 })
        #expect(vga.framesPerSecond.first == 25)
        #expect(!vivid.formats.contains { $0.pixelFormat == .mjpeg }, "vivid has no MJPEG; MJPEG is tested by replay")
        #expect(vivid.defaultMode?.pixelFormat == .yuyv)
        #expect((vivid.defaultMode?.framesPerSecond ?? 0) >= 30)
        let ids = Set(vivid.controls?.map(\.id) ?? [])
        #expect(ids.isSuperset(of: [CameraControl.brightness.id, CameraControl.gain.id, CameraControl.autoGain.id]))
    }

    @Test func streamsAtTheNegotiatedRateWithoutLosingFrames() throws {
        // 320×180 at 30 fps: vivid draws every frame in the (emulated) guest kernel, and a
        // smaller frame leaves the guest enough time to keep the pace.
        let camera = V4L2Camera(address: .path(Vivid.path),
                                request: ModeRequest(pixelFormat: .yuyv, width: 320, height: 180, minimumFPS: 30))
        try camera.start()
        defer { camera.stop() }
        #expect(camera.mode == CaptureMode(pixelFormat: .yuyv, width: 320, height: 180, framesPerSecond: 30))
        // Converting takes long in a debug build under emulation: convert after streaming, so
        // that the consumer keeps pace meanwhile (a slow one would get the newest frame).
        var last = try camera.nextFrame(timeout: .seconds(3))
        #expect(last.bytes.isLent, "frames lend the driver's buffer instead of copying it")
        let (firstSequence, firstTime, before) = (last.sequence, last.timestamp, camera.statistics)
        for _ in 0..<30 {
            let frame = try camera.nextFrame(timeout: .seconds(3))
            #expect(frame.sequence == last.sequence + 1, "sequence \(last.sequence) was followed by \(frame.sequence)")
            last = frame
        }
        let stats = camera.statistics
        // Counted from the first frame taken: before it, the driver may fill a second buffer
        // while the (emulated) consumer is still starting, and the older one is dropped, as it
        // should be; what is pinned here is that a consumer keeping pace loses nothing.
        #expect(stats.dropped == before.dropped && stats.lost == before.lost, "\(stats), before the first frame taken: \(before)")
        let accounted = (stats.delivered - before.delivered) + (stats.dropped - before.dropped) + (stats.lost - before.lost)
        #expect(accounted == Int(last.sequence - firstSequence), "every sequence number is delivered, dropped or lost")
        // The driver's timestamps, not this process's speed, give the rate.
        let interval = (last.timestamp - firstTime).secondsValue / Double(last.sequence - firstSequence)
        #expect(abs(interval - 1.0 / 30) < 0.003, "mean frame interval \(interval) s, negotiated 30 fps")
        let image = try last.rgbImage()
        #expect(image.width == 320 && image.height == 180)
    }

    @Test func aConsumerBackFromAPauseGetsTheCurrentFrameNotOneFromBeforeThePause() throws {
        let camera = V4L2Camera(address: .path(Vivid.path),
                                request: ModeRequest(pixelFormat: .yuyv, width: 320, height: 180, minimumFPS: 30))
        try camera.start()
        defer { camera.stop() }
        let before = try camera.nextFrame(timeout: .seconds(3)).sequence
        Thread.sleep(forTimeInterval: 1)
        let after = try camera.nextFrame(timeout: .seconds(3)).sequence
        // All four buffers filled within 0.15 s of the pause; the frame must be from its end.
        #expect(after >= before + 25, "after a 1 s pause at 30 fps, got frame \(after) after \(before)")
    }

    @Test func holdingEveryBufferIsAClearErrorAndReleasingOneResumes() throws {
        let camera = try Vivid.camera()
        defer { camera.stop() }
        var held = [Frame]()
        var failure: Error?
        while failure == nil && held.count < 16 {
            do { held.append(try camera.nextFrame(timeout: .seconds(3))) } catch { failure = error }
        }
        #expect(held.count >= 2)
        #expect(failure as? CaptureError == .allBuffersHeld(count: held.count))
        held.removeFirst()
        #expect(try camera.nextFrame(timeout: .seconds(3)).sequence > held.last!.sequence)
    }

    @Test func controlsAreSetAndReadBackAndMissingOnesAreReportedNotFatal() throws {
        let camera = try Vivid.camera()
        defer { camera.stop() }
        let reports = try camera.apply(CameraSettings(exposure: .automatic, whiteBalance: .manual(4500),
                                                      gain: .manual(100), focus: .automatic, brightness: 200,
                                                      powerLineHz: 50))
        func outcome(_ control: CameraControl) -> ControlReport.Outcome? { reports.first { $0.control == control }?.outcome }
        #expect(outcome(.brightness) == .set(200))
        #expect(outcome(.autoGain) == .set(0))
        #expect(outcome(.gain) == .set(100))
        // vivid has no exposure, white-balance, focus or power-line controls.
        for missing in [CameraControl.exposureAuto, .autoWhiteBalance, .focusAuto, .powerLineFrequency] {
            #expect(outcome(missing) == .missing, "\(missing)")
        }
        #expect(try camera.value(of: .brightness) == 200)
        #expect(try camera.value(of: .exposure) == nil)
        _ = try camera.nextFrame(timeout: .seconds(3))
    }

    @Test func theLockFreezesTheAutomaticsAndUnlockGivesThemBack() throws {
        let camera = try Vivid.camera(settings: CameraSettings(gain: .automatic))
        defer { camera.stop() }
        // vivid's automatic gain moves once a second: show that it moves before freezing it.
        let before = try camera.value(of: .gain)
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try camera.value(of: .gain) != before, "vivid's automatic gain should change by itself")
        let reports = try camera.lockExposureAndWhiteBalance()
        #expect(reports.contains(ControlReport(control: .exposureAuto, outcome: .missing)))
        #expect(reports.contains(ControlReport(control: .autoWhiteBalance, outcome: .missing)))
        #expect(reports.contains(ControlReport(control: .autoGain, outcome: .set(0))))
        #expect(camera.isLocked)
        let frozen = try camera.value(of: .gain)
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try camera.value(of: .gain) == frozen)
        _ = try camera.nextFrame(timeout: .seconds(3))
        let unlocked = try camera.unlockExposureAndWhiteBalance()
        #expect(unlocked == [ControlReport(control: .autoGain, outcome: .set(1))])
        #expect(!camera.isLocked)
    }

    @Test func aSecondUserOfTheCameraIsToldItIsBusy() throws {
        let camera = try Vivid.camera()
        defer { camera.stop() }
        #expect(throws: CaptureError.busy(path: Vivid.path)) { try Vivid.camera() }
    }

    @Test func aDisconnectionIsAStateAndTheCameraResumesWithItsModeAndLock() throws {
        let camera = try Vivid.camera(settings: CameraSettings(gain: .automatic, brightness: 190))
        defer { camera.stop() }
        _ = try camera.nextFrame(timeout: .seconds(3))
        try camera.lockExposureAndWhiteBalance()
        let frozen = try #require(try camera.value(of: .gain))
        let mode = camera.mode
        let disconnect = try #require(try camera.controls().first { $0.name == "Disconnect" })
        try camera.setControl(id: disconnect.id, to: 1)
        expectDisconnection(camera)
        let frame = try camera.nextFrame(timeout: .seconds(10))
        #expect(camera.statistics.reconnections == 1)
        #expect(camera.mode == mode && frame.width == 640)
        #expect(try camera.value(of: .autoGain) == 0, "the lock survives the reconnection")
        #expect(try camera.value(of: .gain) == frozen)
        #expect(try camera.value(of: .brightness) == 190)
    }

    @Test func anUnpluggedCameraWaitsWithoutHangingAndComesBackWhenRebound() throws {
        let camera = try Vivid.camera(settings: CameraSettings(brightness: 180))
        defer { camera.stop() }
        _ = try camera.nextFrame(timeout: .seconds(3))
        let driver = "/sys/bus/platform/drivers/vivid"
        try Vivid.writeSysfs("\(driver)/unbind", "vivid.0")
        expectDisconnection(camera)
        #expect(throws: CaptureError.self, "while unplugged, every call ends within its timeout") {
            try camera.nextFrame(timeout: .milliseconds(500))
        }
        try Vivid.writeSysfs("\(driver)/bind", "vivid.0")
        let frame = try camera.nextFrame(timeout: .seconds(10))
        #expect(frame.width == 640)
        #expect(camera.statistics.reconnections == 1)
        #expect(try camera.value(of: .brightness) == 180, "settings are applied again to the new device")
    }

    @Test(.enabled(if: Vivid.module != nil, "set KIOSK_VIVID_MODULE to the vivid.ko to reload"))
    func reloadingTheDriverIsSurvivedAndANodeThatCannotCaptureIsNamedAsSuch() throws {
        let camera = try Vivid.camera()
        defer { camera.stop() }
        _ = try camera.nextFrame(timeout: .seconds(3))
        // An unbind makes the camera close its handle, which lets the module go.
        try Vivid.writeSysfs("/sys/bus/platform/drivers/vivid/unbind", "vivid.0")
        expectDisconnection(camera)
        #expect(Vivid.run(["rmmod", "vivid"]) == 0)
        // Back with a video output node beside the capture node (node_types bit 8).
        let options = Vivid.moduleOptions.replacingOccurrences(of: "node_types=0x1", with: "node_types=0x101")
        #expect(Vivid.run(["insmod", Vivid.module!] + options.split(separator: " ").map(String.init)) == 0)
        _ = try camera.nextFrame(timeout: .seconds(10))
        #expect(camera.statistics.reconnections == 1)

        let output = try #require(DeviceDirectory.system.videoNodes().first { $0 != Vivid.path })
        #expect {
            try SourceSpec.camera(.path(output)).open()
        } throws: { error in
            guard case .notCaptureDevice(output, _, "vivid") = error as? CaptureError else { return false }
            return "\(error)".contains("kiosk devices")
        }
        #expect(DeviceDirectory.system.cameras(includeControls: false).unusable.map(\.path) == [output])
    }
}
