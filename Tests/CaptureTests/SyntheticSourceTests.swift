@testable import Capture
import Foundation
import ImageKit
import Testing

/// A folder of `count` JPEG frames of the given size, each a flat colour, named so that
/// numeric order differs from text order (frame-2 before frame-10).
func makeReplayFolder(count: Int, width: Int = 64, height: Int = 48) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for i in 0..<count {
        let shade = UInt8(i * 255 / max(count - 1, 1))
        let image = RGBImage(width: width, height: height) { _, _ in [shade, shade, shade] }
        try Data(JPEG.encode(image, options: .init(quality: 95))).write(to: folder.appendingPathComponent("frame-\(i).jpg"))
    }
    try Data("not a frame".utf8).write(to: folder.appendingPathComponent("notes.txt"))
    return folder
}

@Suite("Pattern and replay sources")
struct SyntheticSourceTests {
    @Test func patternFramesCarryTheirIndexInTheirPixelsAndSequence() throws {
        let source = try SourceSpec(parsing: "pattern:320x240@100").open()
        var last: UInt64?
        for _ in 0..<5 {
            let frame = try source.nextFrame(timeout: .seconds(1))
            #expect(frame.pixelFormat == .rgb24 && frame.width == 320 && frame.height == 240)
            #expect(frame.patternIndex == Int(frame.sequence))
            if let last { #expect(frame.sequence > last) }
            last = frame.sequence
        }
    }

    @Test func theTestCardsSquareSweepsAcross() throws {
        let card = PatternGenerator(width: 320, height: 240, name: "pattern")
        /// The left edge of the pure white square on the middle row (the bars peak at 235).
        func squareX(_ index: Int) throws -> Int? {
            let pixels = try card.frame(at: index).bytes
            let row = 120 * 320 * 3
            return (0..<320).first { x in pixels[row + 3 * x] == 255 && pixels[row + 3 * x + 2] == 255 }
        }
        #expect(try squareX(0) == 0)
        #expect(try squareX(5) == 40)
        #expect(try squareX(35) == 560 - 35 * 8, "it bounces back at the right edge")
    }

    @Test func aSlowConsumerSkipsToTheNewestFrameAndEveryFrameIsAccountedFor() throws {
        let source = try SourceSpec(parsing: "pattern:160x120@200").open()
        var last = try source.nextFrame(timeout: .seconds(1)).sequence
        var gaps = 0
        for _ in 0..<4 {
            Thread.sleep(forTimeInterval: 0.03)
            let frame = try source.nextFrame(timeout: .seconds(1))
            gaps += Int(frame.sequence - last - 1)
            last = frame.sequence
        }
        let stats = source.statistics
        #expect(gaps > 0, "sleeping several frame intervals must skip frames")
        #expect(stats.dropped == gaps)
        #expect(stats.delivered == 5)
        #expect(stats.delivered + stats.dropped == Int(last) + 1)
    }

    @Test func replayPlaysJPEGFilesInNumericOrderAsMJPEG() throws {
        let folder = try makeReplayFolder(count: 12)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try SourceSpec(parsing: "replay:\(folder.path)@500,once").open()
        var shades = [Double]()
        while true {
            do {
                let frame = try source.nextFrame(timeout: .seconds(1))
                #expect(frame.pixelFormat == .mjpeg && frame.width == 64 && frame.height == 48)
                shades.append(try frame.rgbImage().meanColor().g)
            } catch CaptureError.endOfStream {
                break
            }
        }
        #expect(shades == shades.sorted(), "frame-2 comes before frame-10")
        let stats = source.statistics
        #expect(stats.delivered == shades.count)
        #expect(stats.delivered + stats.dropped == 12)
        #expect(throws: CaptureError.self) { try source.nextFrame(timeout: .milliseconds(10)) }
    }

    @Test func loopingReplayStartsOver() throws {
        let folder = try makeReplayFolder(count: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try SourceSpec(parsing: "replay:\(folder.path)@100").open()
        var sequences = [UInt64]()
        for _ in 0..<5 { sequences.append(try source.nextFrame(timeout: .seconds(1)).sequence) }
        #expect(sequences.last! >= 4, "a looping replay keeps counting past its last file")
    }

    @Test func aFolderWithoutFramesSaysHowToMakeSome() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: CaptureError.replayEmpty(path: folder.path)) { try SourceSpec.replay(path: folder.path, fps: 5, loops: true).open() }
        #expect("\(CaptureError.replayEmpty(path: folder.path))".contains("kiosk record"))
        #expect(throws: CaptureError.self) { try SourceSpec.replay(path: "/nonexistent/run", fps: 5, loops: true).open() }
    }

    @Test func aStoppedSourceSaysSo() throws {
        let source = try SourceSpec(parsing: "pattern:").open()
        source.stop()
        #expect(throws: CaptureError.stopped(source: source.name)) { try source.nextFrame(timeout: .seconds(1)) }
    }
}
