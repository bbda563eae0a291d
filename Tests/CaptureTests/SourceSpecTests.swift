@testable import Capture
import Testing

@Suite("Source specs")
struct SourceSpecTests {
    @Test(arguments: [
        ("/dev/video0", SourceSpec.camera(.path("/dev/video0"))),
        ("/dev/kiosk-camera", .camera(.path("/dev/kiosk-camera"))),
        ("/dev/v4l/by-id/usb-046d_0825-video-index0", .camera(.path("/dev/v4l/by-id/usb-046d_0825-video-index0"))),
        ("2", .camera(.path("/dev/video2"))),
        ("video1", .camera(.path("/dev/video1"))),
        ("usb:046d:0825", .camera(.usb(vendor: 0x046d, product: 0x0825))),
        ("usb:046D:082D", .camera(.usb(vendor: 0x046d, product: 0x082d))),
        ("replay:/data/run1", .replay(path: "/data/run1", fps: 15, loops: true)),
        ("replay:/data/run1@7.5", .replay(path: "/data/run1", fps: 7.5, loops: true)),
        ("replay:/data/run1@30,once", .replay(path: "/data/run1", fps: 30, loops: false)),
        ("replay:/data/me@home/run", .replay(path: "/data/me@home/run", fps: 15, loops: true)),
        ("pattern:", .pattern(width: 640, height: 480, fps: 30)),
        ("pattern", .pattern(width: 640, height: 480, fps: 30)),
        ("pattern:1280x720@15", .pattern(width: 1280, height: 720, fps: 15)),
        ("pattern:@10", .pattern(width: 640, height: 480, fps: 10)),
    ])
    func parsesEveryKindOfSource(text: String, expected: SourceSpec) throws {
        #expect(try SourceSpec(parsing: text) == expected)
    }

    @Test func descriptionParsesBackToTheSameSpec() throws {
        for text in ["usb:046d:0825", "replay:/x@12.5,once", "pattern:320x240@60", "/dev/video3"] {
            let spec = try SourceSpec(parsing: text)
            #expect(try SourceSpec(parsing: spec.description) == spec)
        }
    }

    @Test(arguments: [
        ("", "it is empty"),
        ("camera", "not a device path"),
        ("usb:46d:825", "four hex digits"),
        ("usb:046d", "four hex digits"),
        ("replay:", "give the folder"),
        ("replay:/x@fast", "frame rate"),
        ("replay:/x@0", "frame rate"),
        ("pattern:640by480", "WIDTHxHEIGHT"),
        ("pattern:10x10", "WIDTHxHEIGHT"),
        ("patterns", "pattern:"),
    ])
    func badSpecsSayWhatIsWrongAndWhatIsAccepted(text: String, fragment: String) {
        #expect {
            try SourceSpec(parsing: text)
        } throws: { error in
            let message = "\(error)"
            return message.contains(fragment) && message.contains("usb:VVVV:PPPP")
        }
    }
}
