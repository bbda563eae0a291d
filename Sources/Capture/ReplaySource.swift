import Foundation
import ImageKit

/// Replays recorded frames as a camera would: a folder of JPEG files in name order, or a
/// recorded MJPEG stream (`.mjpeg`/`.mjpg`, JPEG images back to back). Frames are handed on
/// as MJPEG, undecoded, exactly like an MJPEG webcam's.
struct ReplayGenerator: FrameGenerator {
    let name: String
    private enum Item: Sendable {
        case file(URL)
        case slice(Range<Int>)
    }
    private let items: [Item]
    private let stream: [UInt8]
    var frameCount: Int? { items.count }

    init(path: String, name: String) throws {
        self.name = name
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CaptureError.replayUnreadable(path: path, detail: "no such file or folder")
        }
        var files: [URL]
        if isFolder.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files = names.sorted { $0.compare($1, options: .numeric) == .orderedAscending }
                .map { URL(fileURLWithPath: path).appendingPathComponent($0) }
        } else {
            files = [URL(fileURLWithPath: path)]
        }
        let streams = files.filter { ["mjpeg", "mjpg"].contains($0.pathExtension.lowercased()) }
        if let streamFile = streams.first {
            guard let data = FileManager.default.contents(atPath: streamFile.path) else {
                throw CaptureError.replayUnreadable(path: streamFile.path, detail: "the file cannot be read")
            }
            stream = [UInt8](data)
            items = MJPEGStream.frameRanges(in: stream).map { .slice($0) }
        } else {
            stream = []
            items = files.filter { ["jpg", "jpeg"].contains($0.pathExtension.lowercased()) }.map { .file($0) }
        }
        guard !items.isEmpty else { throw CaptureError.replayEmpty(path: path) }
    }

    func frame(at index: Int) throws -> (format: FourCC, width: Int, height: Int, bytesPerLine: Int, bytes: [UInt8]) {
        let bytes: [UInt8]
        let origin: String
        switch items[index] {
        case let .file(url):
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw CaptureError.replayUnreadable(path: url.path, detail: "the file cannot be read")
            }
            bytes = [UInt8](data)
            origin = url.path
        case let .slice(range):
            bytes = Array(stream[range])
            origin = "\(name) frame \(index)"
        }
        do {
            let info = try JPEG.info(bytes)
            return (.mjpeg, info.width, info.height, 0, bytes)
        } catch {
            throw CaptureError.replayUnreadable(path: origin, detail: "\(error)")
        }
    }
}

/// Splitting and writing MJPEG streams: JPEG images stored back to back.
public enum MJPEGStream {
    /// The byte ranges of the complete JPEG images in `bytes`, found by walking the marker
    /// segments (so that an embedded EXIF thumbnail does not end a frame early). Bytes between
    /// images and an incomplete last image are skipped.
    public static func frameRanges(in bytes: [UInt8]) -> [Range<Int>] {
        var ranges = [Range<Int>]()
        var i = 0
        let n = bytes.count
        while i + 1 < n {
            guard bytes[i] == 0xFF, bytes[i + 1] == 0xD8 else { i += 1; continue }
            let start = i
            guard let end = endOfImage(in: bytes, from: start + 2) else { break }
            ranges.append(start..<end)
            i = end
        }
        return ranges
    }

    /// True when the image's header segments, before its scan, define Huffman tables (DHT).
    public static func hasHuffmanTables(_ bytes: [UInt8]) -> Bool {
        var i = 2
        while i + 3 < bytes.count, bytes[i] == 0xFF {
            let marker = bytes[i + 1]
            if marker == 0xC4 { return true }
            if marker == 0xDA || marker == 0xD9 { return false }
            i += 2 + (Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]))
        }
        return false
    }

    /// The index just past the EOI marker of the image whose SOI ends at `from`.
    private static func endOfImage(in bytes: [UInt8], from: Int) -> Int? {
        var i = from
        let n = bytes.count
        var inScan = false
        while i + 1 < n {
            if inScan {
                // Entropy-coded data: FF 00 is a stuffed byte and FF D0–D7 a restart marker.
                guard bytes[i] == 0xFF else { i += 1; continue }
                let marker = bytes[i + 1]
                if marker == 0x00 || (0xD0...0xD7).contains(marker) || marker == 0xFF { i += 1; continue }
                inScan = false
                continue
            }
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            switch marker {
            case 0xFF: i += 1
            case 0xD9: return i + 2
            case 0x01, 0xD0...0xD7: i += 2
            default:
                guard i + 3 < n else { return nil }
                let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
                i += 2 + length
                if marker == 0xDA { inScan = true }
            }
        }
        return nil
    }
}
