@testable import Capture
import Testing

@Suite("Choosing the camera mode")
struct ModeChoiceTests {
    static func sizes(_ list: [(Int, Int, [Double])]) -> [FrameSizeDescription] {
        list.map { FrameSizeDescription(width: $0.0, height: $0.1, framesPerSecond: $0.2) }
    }

    /// What a typical UVC webcam offers: YUYV is slow at large sizes, MJPEG is not.
    static let webcam = [
        FormatDescription(pixelFormat: .yuyv, name: "YUYV 4:2:2", compressed: false, sizes: sizes([
            (640, 480, [30, 15]), (1280, 720, [10, 5]), (1920, 1080, [5]),
        ])),
        FormatDescription(pixelFormat: .mjpeg, name: "Motion-JPEG", compressed: true, sizes: sizes([
            (640, 480, [30, 15]), (1280, 720, [30, 15]), (1920, 1080, [30, 15]), (2592, 1944, [15]),
        ])),
    ]

    /// What vivid offers as a webcam: no MJPEG, and 25 fps at most at 640×480.
    static let vividLike = [
        FormatDescription(pixelFormat: .yuyv, name: "YUYV 4:2:2", compressed: false, sizes: sizes([
            (320, 180, [60, 50, 30, 25]), (640, 360, [50, 30, 25]), (640, 480, [25, 20]),
            (1280, 720, [12.5, 10]), (1920, 1080, [5]),
        ])),
        FormatDescription(pixelFormat: FourCC(string: "BA81")!, name: "8-bit Bayer", compressed: false,
                          sizes: sizes([(3840, 2160, [60])])),
    ]

    @Test func liveCaptureTakesMJPEGAtTheLargestSizeThatKeeps30FPS() throws {
        let mode = try ModeRequest().choose(from: Self.webcam, device: "cam")
        #expect(mode == CaptureMode(pixelFormat: .mjpeg, width: 1920, height: 1080, framesPerSecond: 30))
    }

    @Test func withoutMJPEGItIsYUYVAtTheLargestSizeThatKeeps30FPS() throws {
        let mode = try ModeRequest().choose(from: Self.vividLike, device: "vivid")
        #expect(mode == CaptureMode(pixelFormat: .yuyv, width: 640, height: 360, framesPerSecond: 30))
    }

    @Test func aStillTakesTheLargestSizeAtItsFastestRate() throws {
        #expect(try ModeRequest.largest.choose(from: Self.webcam, device: "cam")
            == CaptureMode(pixelFormat: .mjpeg, width: 2592, height: 1944, framesPerSecond: 15))
    }

    @Test func anExactRequestIsHonouredOrRefusedWithWhatIsOffered() throws {
        let request = ModeRequest(pixelFormat: .yuyv, width: 640, height: 480, minimumFPS: 25)
        #expect(try request.choose(from: Self.vividLike, device: "vivid")
            == CaptureMode(pixelFormat: .yuyv, width: 640, height: 480, framesPerSecond: 25))
        let missing = ModeRequest(pixelFormat: .mjpeg, width: 1280, height: 720)
        #expect {
            try missing.choose(from: Self.vividLike, device: "/dev/video0")
        } throws: { error in
            let message = "\(error)"
            return message.contains("/dev/video0") && message.contains("MJPG at 1280×720") && message.contains("YUYV 640×480")
        }
    }

    @Test func aCameraTooSlowForTheRateStillGetsItsFastestMode() throws {
        let slow = [FormatDescription(pixelFormat: .yuyv, name: "YUYV", compressed: false,
                                      sizes: Self.sizes([(640, 480, [15]), (1280, 720, [7.5])]))]
        #expect(try ModeRequest().choose(from: slow, device: "cam")
            == CaptureMode(pixelFormat: .yuyv, width: 640, height: 480, framesPerSecond: 15))
    }

    @Test func onlyUndecodableFormatsIsAnError() {
        let bayer = [Self.vividLike[1]]
        #expect(throws: CaptureError.noUsableFormat(path: "cam", wanted: ModeRequest().description,
                                                    offered: ["BA81 3840×2160"])) {
            try ModeRequest().choose(from: bayer, device: "cam")
        }
    }

    @Test func steppedSizeRangesOfferTheUsualSizesThatFit() {
        let sizes = FrameSizeDescription.commonSizes(minWidth: 16, maxWidth: 1920, stepWidth: 16,
                                                     minHeight: 16, maxHeight: 1200, stepHeight: 8)
        #expect(sizes.map { "\($0.0)x\($0.1)" } == ["320x240", "640x480", "800x600", "1280x720", "1920x1080", "1920x1200"])
    }
}
