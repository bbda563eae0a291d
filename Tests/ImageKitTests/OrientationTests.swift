import DataCache
import Foundation
@testable import ImageKit
import Testing

/// An APP1 Exif segment whose IFD0 holds an Orientation entry with `value`, in either
/// byte order, optionally after two other entries (as cameras write: Make, Model first),
/// so the reader has to walk the directory. Written from the TIFF 6.0 layout by hand.
func exifSegment(orientation value: Int, bigEndian: Bool = false, otherEntriesFirst: Bool = false) -> [UInt8] {
    func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
    func u32(_ v: Int) -> [UInt8] { bigEndian ? u16(v >> 16) + u16(v & 0xFFFF) : u16(v & 0xFFFF) + u16(v >> 16) }
    // Entry: tag, type, count, value (a SHORT sits in the first two of the four value bytes).
    func entry(tag: Int, type: Int, value: Int) -> [UInt8] { u16(tag) + u16(type) + u32(1) + u16(value) + [0, 0] }
    var entries: [[UInt8]] = [entry(tag: 0x0112, type: 3, value: value)]
    if otherEntriesFirst {
        // XResolution-like and ImageWidth-like entries with made-up values before Orientation.
        entries.insert(entry(tag: 0x0100, type: 3, value: 640), at: 0)
        entries.insert(entry(tag: 0x0101, type: 3, value: 480), at: 1)
    }
    let tiff = (bigEndian ? Array("MM".utf8) : Array("II".utf8)) + u16(42) + u32(8)
        + u16(entries.count) + entries.flatMap { $0 } + u32(0)
    let body = Array("Exif\0\0".utf8) + tiff
    let length = body.count + 2
    return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + body
}

/// `jpeg` with `segment` inserted after its JFIF APP0 segment (or after SOI without one),
/// where cameras put their Exif block.
func inserting(_ segment: [UInt8], into jpeg: [UInt8]) -> [UInt8] {
    var at = 2
    if jpeg[2] == 0xFF && jpeg[3] == 0xE0 { at = 4 + (Int(jpeg[4]) << 8 | Int(jpeg[5])) }
    return Array(jpeg[..<at]) + segment + Array(jpeg[at...])
}

/// Where stored pixel (x, y) of a w×h image is shown under EXIF orientation `value`, written
/// from the specification's table, not from ImageKit's code.
func shownPosition(_ value: Int, x: Int, y: Int, w: Int, h: Int) -> (x: Int, y: Int) {
    switch value {
    case 2: (w - 1 - x, y)
    case 3: (w - 1 - x, h - 1 - y)
    case 4: (x, h - 1 - y)
    case 5: (y, x)
    case 6: (h - 1 - y, x)
    case 7: (h - 1 - y, w - 1 - x)
    case 8: (y, w - 1 - x)
    default: (x, y)
    }
}

/// The pixels a file must store so that, shown under orientation `value`, it looks like `upright`.
func storedImage(showing upright: RGBImage, under value: Int) -> RGBImage {
    let swaps = value >= 5
    let (w, h) = swaps ? (upright.height, upright.width) : (upright.width, upright.height)
    var stored = RGBImage(width: w, height: h)
    for y in 0..<h {
        for x in 0..<w {
            let shown = shownPosition(value, x: x, y: y, w: w, h: h)
            for c in 0..<3 { stored[x, y, c] = upright[shown.x, shown.y, c] }
        }
    }
    return stored
}

func meanDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
    let pairs = zip(a.elements, b.elements)
    return Double(pairs.reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(max(1, a.elements.count))
}

@Suite("EXIF orientation")
struct OrientationTests {
    /// A 3×2 image whose pixels are the letters a…f (as grey values), and how each
    /// orientation must show it: the EXIF specification's pictures, typed in.
    static let shown: [Int: [String]] = [
        1: ["abc", "def"],
        2: ["cba", "fed"],
        3: ["fed", "cba"],
        4: ["def", "abc"],
        5: ["ad", "be", "cf"],
        6: ["da", "eb", "fc"],
        7: ["fc", "eb", "da"],
        8: ["cf", "be", "ad"],
    ]

    @Test(arguments: ImageOrientation.allCases)
    func eachOrientationTurnsTheImageAsTheSpecificationDraws(_ orientation: ImageOrientation) {
        let letters = Array("abcdef".utf8)
        let stored = RGBImage(width: 3, height: 2) { x, y in Array(repeating: letters[y * 3 + x], count: 3) }
        let upright = stored.oriented(orientation)
        let rows = (0..<upright.height).map { y in
            String(decoding: (0..<upright.width).map { upright[$0, y, 0] }, as: UTF8.self)
        }
        #expect(rows == Self.shown[orientation.rawValue], "orientation \(orientation)")
    }

    @Test(arguments: ImageOrientation.allCases)
    func theInverseUndoesEachOrientation(_ orientation: ImageOrientation) {
        let image = syntheticPhoto(width: 7, height: 5)
        #expect(image.oriented(orientation.inverse).oriented(orientation) == image)
        #expect(image.oriented(orientation).size.width == (orientation.swapsDimensions ? 5 : 7))
    }

    @Test func orientedWorksOnACroppedView() {
        // A view has padded rows: the copy must follow the stride, not the width.
        let big = RGBImage(width: 6, height: 4) { x, y in [UInt8(x), UInt8(y), 0] }
        let view = big.cropped(to: PixelRect(x: 2, y: 1, width: 3, height: 2))
        let turned = view.oriented(.right)
        #expect(turned.size == PixelSize(width: 2, height: 3))
        // Shown top-left is the stored bottom-left: (2, 2) in the big image.
        #expect(turned.rgb(0, 0) == (2, 2, 0))
        #expect(turned.rgb(1, 2) == (4, 1, 0))
    }

    @Test(arguments: [false, true], [false, true])
    func theTagIsReadInEitherByteOrderAndAfterOtherEntries(bigEndian: Bool, otherEntriesFirst: Bool) throws {
        let plain = try JPEG.encode(syntheticPhoto(width: 64, height: 48))
        for value in 1...8 {
            let tagged = inserting(exifSegment(orientation: value, bigEndian: bigEndian,
                                               otherEntriesFirst: otherEntriesFirst), into: plain)
            #expect(JPEG.orientation(tagged).rawValue == value)
            #expect(try JPEG.info(tagged).width == 64, "the segment must leave the file valid")
        }
    }

    @Test func noTagAnInvalidValueOrABrokenSegmentMeanUpright() throws {
        let plain = try JPEG.encode(syntheticPhoto(width: 64, height: 48))
        #expect(JPEG.orientation(plain) == .up)
        #expect(JPEG.orientation(inserting(exifSegment(orientation: 0), into: plain)) == .up)
        #expect(JPEG.orientation(inserting(exifSegment(orientation: 9), into: plain)) == .up)
        // A segment cut short: its length runs past the data.
        let segment = exifSegment(orientation: 6)
        #expect(JPEG.orientation(Array((plain.prefix(20) + segment).prefix(30))) == .up)
        // Not a JPEG at all.
        #expect(JPEG.orientation(Array("hello".utf8)) == .up)
    }

    /// The eight ways a camera can store an upright portrait: each decodes to the portrait.
    @Test(.enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"),
          arguments: ImageOrientation.allCases)
    func aRealPortraitStoredInEachOrientationDecodesUpright(_ orientation: ImageOrientation) throws {
        let upright = try ImageFile.read(DataCache.standard.face("obama.jpg"))
        let stored = storedImage(showing: upright, under: orientation.rawValue)
        let jpeg = try JPEG.encode(stored, options: JPEGEncodeOptions(quality: 95, subsampling: .yuv444))
        let file = inserting(exifSegment(orientation: orientation.rawValue), into: jpeg)
        let decoded = try ImageFile.decode(Data(file), name: "obama-\(orientation.rawValue).jpg")
        try #require(decoded.size == upright.size)
        #expect(meanDifference(decoded, upright) < 1.5, "orientation \(orientation)")
    }

    /// ImageMagick, which applies the tag with its own code, shows the files we tag the way we do.
    @Test(arguments: ImageOrientation.allCases)
    func imageMagickShowsEachTaggedFileAsWeDo(_ orientation: ImageOrientation) throws {
        let folder = try TemporaryFolder()
        let jpeg = try JPEG.encode(syntheticPhoto(width: 96, height: 64), options: JPEGEncodeOptions(quality: 95))
        let url = folder.url.appendingPathComponent("tagged.jpg")
        try Data(inserting(exifSegment(orientation: orientation.rawValue, bigEndian: true), into: jpeg)).write(to: url)
        let ours = try ImageFile.read(url)
        let theirs = try ImageFile.decode(try runTool("convert", [url.path, "-auto-orient", "png:-"]))
        try #require(theirs.size == ours.size, "ImageMagick shows \(theirs.size), we show \(ours.size)")
        #expect(meanDifference(ours, theirs) < 1.5)
    }

    @Test func aPNGsExifChunkIsAppliedToo() throws {
        let folder = try TemporaryFolder()
        let source = folder.url.appendingPathComponent("plain.png")
        // 4×2: left half black, right half white.
        _ = try runTool("convert", ["-size", "2x2", "xc:black", "-size", "2x2", "xc:white", "+append", source.path])
        let png = [UInt8](try Data(contentsOf: source))
        let tiff = Array(exifSegment(orientation: 6).dropFirst(10)) // the TIFF block after "Exif\0\0"
        let chunk = pngChunk("eXIf", tiff)
        let ihdrEnd = 8 + 12 + 13
        let tagged = Array(png[..<ihdrEnd]) + chunk + Array(png[ihdrEnd...])
        let image = try ImageFile.decode(Data(tagged), name: "tagged.png")
        // Turned clockwise: 2×4, the black half (stored left) now on top.
        #expect(image.size == PixelSize(width: 2, height: 4))
        #expect(image.rgb(0, 0) == (0, 0, 0) && image.rgb(1, 3) == (255, 255, 255))
    }
}

/// A PNG chunk: length, type, data, CRC-32 of type and data.
func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let typed = Array(type.utf8) + data
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in typed {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    crc ^= 0xFFFF_FFFF
    func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    return be32(UInt32(data.count)) + typed + be32(crc)
}

/// A fresh folder under the temporary directory, removed when the value goes.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("imagekit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

struct ToolFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs a tool the set-up installs (ImageMagick's `convert`) through PATH and returns its
/// standard output; a non-zero exit is an error with its standard error.
func runTool(_ tool: String, _ arguments: [String]) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ToolFailure(description: "\(tool) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): "
            + String(decoding: message, as: UTF8.self) + " (scripts/setup.sh installs it)")
    }
    return data
}
