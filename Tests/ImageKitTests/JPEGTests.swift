import DataCache
import Foundation
import ImageKit
import Testing

/// A smooth, photo-like test image: gradients with a soft disc, no flat areas.
func syntheticPhoto(width: Int = 320, height: Int = 240) -> RGBImage {
    RGBImage(width: width, height: height) { x, y in
        let dx = Double(x - width / 2), dy = Double(y - height / 2)
        let disc = exp(-(dx * dx + dy * dy) / Double(width * width / 16))
        return [UInt8(40 + 150 * Double(x) / Double(width)), UInt8(60 + 180 * disc), UInt8(200 - 150 * Double(y) / Double(height))]
    }
}

private func meanAbsoluteDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
    let pairs = zip(a.elements, b.elements)
    return Double(pairs.reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.elements.count)
}

@Suite("JPEG codec")
struct JPEGTests {
    @Test(arguments: [ChromaSubsampling.yuv420, .yuv444])
    func roundTripKeepsThePicture(subsampling: ChromaSubsampling) throws {
        let image = syntheticPhoto()
        let bytes = try JPEG.encode(image, options: JPEGEncodeOptions(quality: 92, subsampling: subsampling))
        let decoded = try JPEG.decode(bytes)
        #expect(decoded.size == image.size)
        #expect(meanAbsoluteDifference(image, decoded) < 2.0)
        let info = try JPEG.info(bytes)
        #expect(info.subsampling == subsampling)
        #expect(info.isBaseline && info.components == 3)
    }

    @Test func densityIsWrittenInTheJFIFHeader() throws {
        let bytes = try JPEG.encode(syntheticPhoto(), options: JPEGEncodeOptions(density: .dpi(300)))
        let info = try JPEG.info(bytes)
        #expect(info.hasJFIF)
        #expect(info.density == .dpi(300))
        // The JFIF APP0 segment, byte by byte: units 1 (dpi), X density 300, Y density 300.
        #expect(Array(bytes[2...3]) == [0xFF, 0xE0])
        #expect(Array(bytes[6...10]) == Array("JFIF\0".utf8))
        #expect(Array(bytes[13...17]) == [1, 0x01, 0x2C, 0x01, 0x2C])
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/exiftool"), "exiftool is not installed"))
    func exiftoolReadsThe300DpiBack() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("density-\(UUID()).jpg")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(JPEG.encode(syntheticPhoto(), options: JPEGEncodeOptions(density: .dpi(300)))).write(to: url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/exiftool")
        process.arguments = ["-s3", "-XResolution", "-YResolution", "-ResolutionUnit", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output.split(separator: "\n") == ["300", "300", "inches"])
    }

    @Test(arguments: [60, 75, 90])
    func qualityIsEstimatedFromTheQuantisationTable(quality: Int) throws {
        let bytes = try JPEG.encode(syntheticPhoto(), options: JPEGEncodeOptions(quality: quality))
        #expect(try JPEG.info(bytes).estimatedQuality == quality)
    }

    @Test(arguments: JPEGScale.allCases)
    func dctScalingDecodesAtAFractionOfTheSize(scale: JPEGScale) throws {
        let bytes = try JPEG.encode(syntheticPhoto(width: 1280, height: 720))
        let image = try JPEG.decode(bytes, scale: scale)
        #expect(image.size == PixelSize(width: 1280 / scale.rawValue, height: 720 / scale.rawValue))
    }

    @Test func greyImagesEncodeAsOneComponent() throws {
        let bytes = try JPEG.encode(syntheticPhoto().grayscale())
        #expect(try JPEG.info(bytes).components == 1)
        #expect(try JPEG.decode(bytes).width == 320)
    }
}

@Suite("JPEG errors")
struct JPEGErrorTests {
    let good = try! JPEG.encode(syntheticPhoto())

    @Test func emptyData() {
        #expect(throws: JPEGError.empty) { try JPEG.decode([UInt8]()) }
    }

    @Test func dataThatIsNotAJPEG() {
        let error = #expect(throws: JPEGError.self) { try JPEG.decode(Array("hello, world".utf8)) }
        guard case .notJPEG = error else { Issue.record("expected notJPEG, got \(String(describing: error))"); return }
        #expect(error!.description.contains("not a JPEG"))
    }

    @Test func truncatedData() {
        let error = #expect(throws: JPEGError.self) { try JPEG.decode(Array(good.prefix(good.count / 2))) }
        guard case .truncated = error else { Issue.record("expected truncated, got \(String(describing: error))"); return }
        #expect(error!.description.contains("ends too early"))
    }

    @Test func truncatedInsideTheHeaders() {
        let error = #expect(throws: JPEGError.self) { try JPEG.decode(Array(good.prefix(100))) }
        guard case .truncated = error else { Issue.record("expected truncated, got \(String(describing: error))"); return }
    }

    @Test func corruptData() {
        // Overwrite the frame header (SOF0) with nonsense: libjpeg refuses the image.
        var bytes = good
        let sof = (0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }!
        for i in sof + 2..<sof + 12 { bytes[i] = 0xEE }
        let error = #expect(throws: JPEGError.self) { try JPEG.decode(bytes) }
        guard case .corrupt = error else { Issue.record("expected corrupt, got \(String(describing: error))"); return }
        #expect(error!.description.contains("damaged"))
    }

    @Test func damagedEntropyDataIsAnErrorUnlessTolerated() throws {
        // Insert a stray marker in the middle of the scan: libjpeg warns and resynchronises.
        var bytes = good
        let middle = bytes.count / 2
        bytes.replaceSubrange(middle..<middle + 2, with: [0xFF, 0xD4])
        #expect(throws: JPEGError.self) { try JPEG.decode(bytes) }
        #expect(try JPEG.decode(bytes, tolerateDamage: true).width == 320)
    }

    @Test func imagesOverThePixelLimitAreRefusedBeforeDecoding() {
        #expect(throws: JPEGError.tooLarge(width: 320, height: 240, limit: 1000)) {
            try JPEG.decode(good, pixelLimit: 1000)
        }
    }

    @Test func pngIsReadByImageFileButNotByTheJPEGDecoder() throws {
        let cache = DataCache.standard
        try #require(FileManager.default.fileExists(atPath: cache.astronaut.path), "\(cache.missingMessage)")
        let image = try ImageFile.read(cache.astronaut)
        #expect(image.size == PixelSize(width: 512, height: 512))
        let data = try Data(contentsOf: cache.astronaut)
        #expect(throws: JPEGError.self) { try JPEG.decode(data) }
    }

    @Test func imageFileNamesTheProblem() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/photo.jpg")
        let error = #expect(throws: ImageFileError.self) { try ImageFile.read(missing) }
        #expect(error!.description == "cannot read /nonexistent/photo.jpg: no such file (the folder /nonexistent does "
            + "not exist either); check the name and the folder")
        let gif = #expect(throws: ImageFileError.self) { try ImageFile.decode(Data("GIF89a".utf8), name: "x.gif") }
        #expect(gif!.description.contains("it is a GIF image, not a JPEG or PNG photo"))
        let unknown = #expect(throws: ImageFileError.self) { try ImageFile.decode(Data([0, 1, 2, 3]), name: "x.bin") }
        #expect(unknown!.description.contains("neither JPEG nor PNG (it starts with 00 01 02 03)"))
    }
}

@Suite("Encoding into a byte window", .enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"))
struct JPEGWindowTests {
    /// The registration photo's window (PhotoSpec owns the real one; ImageKit knows no spec).
    static let window = JPEGByteWindow(bytes: 20_480...40_000)

    /// Every real portrait, centre-cropped to 3:4 and scaled to 480×640 as the photo would be.
    static let photos: [(String, RGBImage)] = DataCache.standard.facePhotos.compactMap { url in
        guard let image = try? ImageFile.read(url) else { return nil }
        let width = min(image.width, image.height * 3 / 4)
        let height = width * 4 / 3
        let crop = image.cropped(to: PixelRect(x: (image.width - width) / 2, y: 0, width: width, height: height))
        return (url.lastPathComponent, crop.resized(to: PixelSize(width: 480, height: 640), filter: .lanczos))
    }

    @Test func realPortraitsLandInsideTheWindowWithFewEncodes() throws {
        #expect(Self.photos.count >= 6)
        let window = Self.window
        for (name, photo) in Self.photos {
            let result = try JPEG.encode(photo, into: window)
            #expect(result.fit == .inside, "\(name): \(result.bytes.count) bytes at q\(result.quality)")
            #expect(window.bytes.contains(result.bytes.count), "\(name)")
            #expect(result.quality >= 60, "\(name)")
            #expect(result.encodes <= 4, "\(name) needed \(result.encodes) encodes")
            let info = try JPEG.info(result.bytes)
            #expect(info.density == .dpi(300) && info.width == 480 && info.height == 640 && info.isBaseline)
        }
    }

    @Test func theSearchPrefersTheTopOfTheWindow() throws {
        let window = Self.window
        for (name, photo) in Self.photos {
            let result = try JPEG.encode(photo, into: window)
            guard result.quality < 100 else { continue }
            // One quality step higher would not fit, or the file is already in the top quarter.
            let higher = try JPEG.encode(photo, options: JPEGEncodeOptions(quality: result.quality + 1))
            #expect(higher.count > window.bytes.upperBound || result.bytes.count >= window.goodEnoughBytes, "\(name)")
        }
    }

    @Test func aFlatImageIsReportedBelowTheWindowNotPadded() throws {
        let flat = RGBImage(width: 480, height: 640, filledWith: 128)
        let result = try JPEG.encode(flat, into: Self.window)
        #expect(result.fit == .belowWindow && result.quality == 100)
        #expect(result.bytes.count < 20 * 1024)
    }

    @Test func noiseIsReportedAboveTheWindowAtTheMinimumQuality() throws {
        var generator = SystemRandomNumberGenerator()
        let noise = RGBImage(width: 480, height: 640) { _, _ in
            [UInt8.random(in: 0...255, using: &generator), UInt8.random(in: 0...255, using: &generator),
             UInt8.random(in: 0...255, using: &generator)]
        }
        let result = try JPEG.encode(noise, into: Self.window)
        #expect(result.fit == .aboveWindow && result.quality == 60)
    }
}
