@testable import Capture
import Foundation
import ImageKit
import Testing

@Suite("MJPEG streams")
struct MJPEGStreamTests {
    static func frame(_ shade: UInt8, width: Int = 96, height: Int = 64) throws -> [UInt8] {
        try JPEG.encode(RGBImage(width: width, height: height) { x, _ in [shade, UInt8(x), 255 - shade] })
    }

    /// A JPEG whose APP1 segment carries a whole JPEG thumbnail, as EXIF files from cameras do:
    /// its EOI must not end the frame.
    static func frameWithThumbnail() throws -> [UInt8] {
        let outer = try frame(200)
        let thumbnail = try frame(10, width: 16, height: 16)
        let payload = Array("Exif\0\0".utf8) + thumbnail
        let length = payload.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + outer.dropFirst(2)
    }

    @Test func splitsBackToBackFramesAndSkipsJunkAndATruncatedTail() throws {
        let frames = [try Self.frame(10), try Self.frameWithThumbnail(), try Self.frame(90)]
        let truncated = Array(try Self.frame(130).prefix(200))
        let stream = Array("--boundary\r\n".utf8) + frames[0] + [0, 0, 0] + frames[1] + frames[2] + truncated
        let ranges = MJPEGStream.frameRanges(in: stream)
        #expect(ranges.count == 3)
        for (range, frame) in zip(ranges, frames) { #expect(Array(stream[range]) == frame) }
    }

    @Test func aRecordedStreamReplaysAsAnMJPEGCameraAndDecodesAtQuarterScale() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).mjpeg")
        let frames = try (0..<4).map { try JPEG.encode(RGBImage(width: 320, height: 240) { _, _ in [40, 80, 120] }, options: .init(quality: 80 + $0)) }
        try Data(frames.joined()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let source = try SourceSpec(parsing: "replay:\(file.path)@200,once").open()
        let frame = try source.nextFrame(timeout: .seconds(1))
        #expect(frame.pixelFormat == .mjpeg && frame.width == 320 && frame.height == 240)
        let preview = try frame.rgbImage(scale: .quarter)
        #expect(preview.width == 80 && preview.height == 60)
        let colour = preview.meanColor()
        #expect(abs(colour.r - 40) < 4 && abs(colour.g - 80) < 4 && abs(colour.b - 120) < 4)
    }

    /// The image with its DHT segments removed, as many webcams send MJPEG.
    static func withoutHuffmanTables(_ jpeg: [UInt8]) -> [UInt8] {
        var out = Array(jpeg[0..<2])
        var i = 2
        while i + 3 < jpeg.count {
            let marker = jpeg[i + 1]
            if marker == 0xDA { out += jpeg[i...]; break }
            let end = i + 2 + (Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3]))
            if marker != 0xC4 { out += jpeg[i..<end] }
            i = end
        }
        return out
    }

    @Test func savedMJPEGFramesAlwaysCarryHuffmanTables() throws {
        // Standard tables (not optimised ones), which is what DHT-less webcams assume.
        let image = RGBImage(width: 64, height: 48) { x, y in [UInt8(x * 4), UInt8(y * 5), 90] }
        let full = try JPEG.encode(image, options: .init(quality: 90, optimizeHuffman: false))
        let bare = Self.withoutHuffmanTables(full)
        #expect(MJPEGStream.hasHuffmanTables(full) && !MJPEGStream.hasHuffmanTables(bare))
        func frame(_ bytes: [UInt8]) -> Frame {
            Frame(pixelFormat: .mjpeg, width: 64, height: 48, bytesPerLine: 0, timestamp: .now(), sequence: 0,
                  bytes: FrameBytes(bytes))
        }
        #expect(try frame(full).jpegData() == full, "a complete frame is saved as it came")
        let saved = try frame(bare).jpegData()
        #expect(MJPEGStream.hasHuffmanTables(saved))
        #expect(try JPEG.decode(saved).size == image.size)
    }
}
