@testable import Capture
import Foundation
import ImageKit
import Synchronization
import Testing

@Suite("Frames")
struct FrameTests {
    static func frame(_ format: FourCC, _ width: Int, _ height: Int, bytesPerLine: Int, bytes: [UInt8]) -> Frame {
        Frame(pixelFormat: format, width: width, height: height, bytesPerLine: bytesPerLine,
              timestamp: .now(), sequence: 7, bytes: FrameBytes(bytes))
    }

    @Test func yuyvWithPaddedLinesConvertsThroughImageKit() throws {
        // Two rows of 4 pixels, 12 bytes per line (4 bytes of padding): grey 126, then white.
        let rows: [UInt8] = [126, 128, 126, 128, 126, 128, 126, 128, 9, 9, 9, 9,
                             235, 128, 235, 128, 235, 128, 235, 128, 9, 9, 9, 9]
        let image = try Self.frame(.yuyv, 4, 2, bytesPerLine: 12, bytes: rows).rgbImage()
        #expect(image.width == 4 && image.height == 2)
        #expect(image[0, 0, 0] == 128 && image[3, 1, 1] == 255)
    }

    @Test func nv12ConvertsThroughImageKit() throws {
        let y = [UInt8](repeating: 235, count: 16), uv = [UInt8](repeating: 128, count: 8)
        let image = try Self.frame(.nv12, 4, 4, bytesPerLine: 4, bytes: y + uv).rgbImage()
        #expect(image.meanColor().r == 255)
    }

    @Test func rgbAndGreyRowsAreUnpadded() throws {
        let rgb: [UInt8] = [1, 2, 3, 4, 5, 6, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0]
        let image = try Self.frame(.rgb24, 2, 2, bytesPerLine: 8, bytes: rgb).rgbImage()
        #expect(image[1, 1, 2] == 12 && image[0, 1, 0] == 7)
        let grey = try Self.frame(.grey, 2, 2, bytesPerLine: 3, bytes: [10, 20, 0, 30, 40, 0]).rgbImage()
        #expect(grey[1, 1, 0] == 40 && grey[1, 1, 2] == 40)
    }

    @Test func rawFramesScaleByAreaAveraging() throws {
        let pattern = try SourceSpec(parsing: "pattern:640x480@30").open()
        let preview = try pattern.nextFrame(timeout: .seconds(1)).rgbImage(scale: .quarter)
        #expect(preview.width == 160 && preview.height == 120)
    }

    @Test func shortOrUnknownFramesAreErrorsNotCrashes() {
        #expect(throws: RawFrameError.self) { try Self.frame(.yuyv, 640, 480, bytesPerLine: 1280, bytes: [0, 1]).rgbImage() }
        #expect(throws: RawFrameError.self) { try Self.frame(.rgb24, 4, 4, bytesPerLine: 12, bytes: [0]).rgbImage() }
        #expect(throws: CaptureError.unsupportedPixelFormat(FourCC(string: "BA81")!)) {
            try Self.frame(FourCC(string: "BA81")!, 4, 4, bytesPerLine: 4, bytes: [UInt8](repeating: 0, count: 16)).rgbImage()
        }
        #expect(throws: JPEGError.self) { try Self.frame(.mjpeg, 4, 4, bytesPerLine: 0, bytes: [1, 2, 3]).rgbImage() }
    }

    @Test func lentBytesGoBackExactlyOnceWhenTheLastCopyOfTheFrameIsReleased() {
        let released = Atomic<Int>(0)
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
        defer { memory.deallocate() }
        memory.copyBytes(from: [1, 2, 3, 4, 5, 6, 7, 8])
        var detached: Frame?
        do {
            let bytes = FrameBytes(lending: UnsafeRawBufferPointer(memory)) { released.add(1, ordering: .relaxed) }
            let frame = Frame(pixelFormat: .grey, width: 4, height: 2, bytesPerLine: 4, timestamp: .now(),
                              sequence: 1, bytes: bytes)
            let copy = frame
            #expect(copy.bytes.isLent)
            detached = frame.detached()
            #expect(released.load(ordering: .relaxed) == 0)
        }
        #expect(released.load(ordering: .relaxed) == 1)
        #expect(detached?.bytes.isLent == false)
        #expect(detached?.bytes.withUnsafeBytes { Array($0) } == [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func fourCCsReadAsTheirLetters() throws {
        #expect(FourCC.yuyv.description == "YUYV")
        #expect(FourCC.mjpeg.rawValue == 0x4750_4A4D)
        #expect(FourCC(string: "grey") == .grey)
        #expect(FourCC(string: "TOOLONG") == nil)
        #expect(FourCC(rawValue: FourCC(string: "Y16")!.rawValue | 0x8000_0000).description == "Y16-BE")
        let json = try JSONEncoder().encode([FourCC.nv12])
        #expect(String(decoding: json, as: UTF8.self) == "[\"NV12\"]")
        #expect(try JSONDecoder().decode([FourCC].self, from: json) == [.nv12])
    }
}
