import DataCache
import Foundation
@testable import ImageKit
import Testing

/// A small photo-like picture with saturated and dark parts, the kind colour conversions get
/// wrong first; stored as a PNG for ImageMagick to turn into other kinds of file.
private func referencePicture(in folder: TemporaryFolder) throws -> (image: RGBImage, url: URL) {
    let image = syntheticPhoto(width: 96, height: 64)
    let url = folder.url.appendingPathComponent("reference.png")
    // Through ImageMagick from a lossless PPM we write ourselves, so the PNG holds exactly `image`.
    let ppm = folder.url.appendingPathComponent("reference.ppm")
    try (Data("P6\n96 64\n255\n".utf8) + Data(image.elements)).write(to: ppm)
    _ = try runTool("convert", [ppm.path, url.path])
    return (image, url)
}

/// Converts `source` with ImageMagick, then reads the result with ImageFile.
private func readConverted(_ source: URL, _ options: [String], as name: String,
                           in folder: TemporaryFolder) throws -> RGBImage {
    let out = folder.url.appendingPathComponent(name)
    _ = try runTool("convert", [source.path] + options + [out.path])
    return try ImageFile.read(out)
}

@Suite("Colour models and bit depths")
struct ColourModelTests {
    /// Ink amounts for `image` by the usual formula without a profile: K = 1 − max(R, G, B).
    static func ink(for image: RGBImage) -> [UInt8] {
        image.elements.chunks(of: 3).flatMap { rgb -> [UInt8] in
            let r = Double(rgb[0]) / 255, g = Double(rgb[1]) / 255, b = Double(rgb[2]) / 255
            let k = 1 - max(r, g, b)
            guard k < 1 else { return [0, 0, 0, 255] }
            return [(1 - r - k) / (1 - k), (1 - g - k) / (1 - k), (1 - b - k) / (1 - k), k].map { UInt8(($0 * 255).rounded()) }
        }
    }

    @Test(arguments: JPEG.CMYKStorage.allCases)
    func cmykJPEGsAreConvertedToRGB(_ storage: JPEG.CMYKStorage) throws {
        let image = syntheticPhoto(width: 96, height: 64)
        let jpeg = try JPEG.encodeCMYK(ink: Self.ink(for: image), width: 96, height: 64, storage: storage)
        #expect(try JPEG.info(jpeg).components == 4)
        let decoded = try ImageFile.decode(Data(jpeg), name: "cmyk.jpg")
        // An inverted reading would give a negative; JPEG loss of four channels stays small.
        #expect(meanDifference(decoded, image) < 3, "\(storage)")
    }

    @Test func imageMagicksCMYKJPEGIsReadToo() throws {
        // ImageMagick writes Adobe YCCK: the file the issue's "valid CMYK JPEG" was.
        let folder = try TemporaryFolder()
        let (image, png) = try referencePicture(in: folder)
        let decoded = try readConverted(png, ["-colorspace", "CMYK", "-quality", "95"], as: "cmyk.jpg", in: folder)
        #expect(meanDifference(decoded, image) < 3)
    }

    @Test func greyJPEGsComeOutAsGreyRGB() throws {
        let folder = try TemporaryFolder()
        let (image, png) = try referencePicture(in: folder)
        let decoded = try readConverted(png, ["-colorspace", "Gray", "-quality", "95"], as: "grey.jpg", in: folder)
        #expect(try JPEG.info(Data(contentsOf: folder.url.appendingPathComponent("grey.jpg"))).components == 1)
        #expect(decoded.size == image.size)
        #expect((0..<64).allSatisfy { y in decoded.rgb(40, y).r == decoded.rgb(40, y).g && decoded.rgb(40, y).g == decoded.rgb(40, y).b })
    }

    /// Every PNG colour type and depth comes out as 8-bit RGB close to the picture it holds.
    /// ImageMagick's output prefix (PNG48: and so on) forces the kind of file.
    @Test(arguments: [
        ([], "PNG48:", "16-bit RGB"),
        (["-define", "png:exclude-chunk=gAMA,cHRM,sRGB"], "PNG48:", "16-bit RGB without gamma chunks"),
        (["-alpha", "on"], "PNG64:", "16-bit RGB with alpha"),
        ([], "PNG8:", "palette"),
        (["-alpha", "on"], "PNG32:", "RGB with alpha"),
    ])
    func colourPNGsOfEveryKindAreRead(options: [String], prefix: String, kind: String) throws {
        let folder = try TemporaryFolder()
        let (image, png) = try referencePicture(in: folder)
        let out = folder.url.appendingPathComponent("converted.png")
        _ = try runTool("convert", [png.path] + options + [prefix + out.path])
        let decoded = try ImageFile.read(out)
        #expect(decoded.size == image.size)
        // What ImageMagick itself reads from the file, as 8-bit RGB: the palette's colours
        // are not the picture's, the other kinds hold it to within rounding.
        let theirs = try ImageFile.decode(try runTool("convert", [out.path, "PNG24:-"]))
        #expect(meanDifference(decoded, theirs) < 1, "\(kind)")
        if kind != "palette" { #expect(meanDifference(decoded, image) < 1, "\(kind)") }
    }

    @Test(arguments: [
        (["-colorspace", "Gray"], "grey"),
        (["-colorspace", "Gray", "-depth", "16"], "16-bit grey"),
        (["-colorspace", "Gray", "-alpha", "on", "-define", "png:color-type=4"], "grey with alpha"),
    ])
    func greyPNGsComeOutAsGreyRGB(options: [String], kind: String) throws {
        let folder = try TemporaryFolder()
        let (image, png) = try referencePicture(in: folder)
        let decoded = try readConverted(png, options, as: "grey.png", in: folder)
        let grey = try readConverted(png, ["-colorspace", "Gray", "-depth", "8", "-type", "TrueColor"], as: "ref.png",
                                     in: folder)
        #expect(decoded.size == image.size)
        #expect(meanDifference(decoded, grey) < 1, "\(kind)")
    }

    @Test func transparentPixelsAreShownOnWhite() throws {
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("clear.png")
        _ = try runTool("convert", ["-size", "8x8", "xc:none", url.path])
        let image = try ImageFile.read(url)
        #expect(image.rgb(4, 4) == (255, 255, 255))
    }
}

@Suite("Decoded-size limit")
struct SizeLimitTests {
    /// A valid small JPEG whose frame header claims `width` × `height`.
    static func jpegClaiming(width: Int, height: Int) throws -> [UInt8] {
        var bytes = try JPEG.encode(syntheticPhoto(width: 64, height: 48))
        let sof = (0..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }!
        bytes.replaceSubrange(sof + 5..<sof + 9, with: [UInt8(height >> 8), UInt8(height & 0xFF),
                                                      UInt8(width >> 8), UInt8(width & 0xFF)])
        return bytes
    }

    /// A PNG header of `width` × `height` RGB with a token image data chunk: enough for
    /// libpng to read the size, nowhere near enough pixels.
    static func pngClaiming(width: Int, height: Int) -> [UInt8] {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + pngChunk("IHDR", be32(width) + be32(height) + [8, 2, 0, 0, 0])
            + pngChunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + pngChunk("IEND", [])
    }

    @Test func theLimitIs50Megapixels() {
        #expect(ImageFile.defaultPixelLimit == 50_000_000)
    }

    @Test func aJPEGOverTheLimitIsRefusedFromItsHeaderWithTheSizeAndTheLimit() throws {
        let bytes = try Self.jpegClaiming(width: 9000, height: 9000)
        let error = #expect(throws: ImageFileError.self) { try ImageFile.decode(Data(bytes), name: "huge.jpg") }
        guard case .tooLarge(_, 9000, 9000, 50_000_000) = error else {
            Issue.record("expected tooLarge, got \(String(describing: error))")
            return
        }
        let message = error!.description
        #expect(message.contains("huge.jpg") && message.contains("9000×9000") && message.contains("81 megapixels")
                && message.contains("50-megapixel limit") && message.contains("scale it down"), "\(message)")
    }

    @Test func aPNGOverTheLimitIsRefusedFromItsHeader() {
        let error = #expect(throws: ImageFileError.self) {
            try ImageFile.decode(Data(Self.pngClaiming(width: 9000, height: 9000)), name: "huge.png")
        }
        guard case .tooLarge(_, 9000, 9000, _) = error else {
            Issue.record("expected tooLarge, got \(String(describing: error))")
            return
        }
        #expect(error!.description.contains("81 megapixels"))
    }

    @Test func anImageJustUnderTheLimitPassesTheCheck() throws {
        // 8000×6000 = 48 megapixels: the header check lets it through (decoding then finds
        // the pixels missing, which says the check came first and passed).
        let error = #expect(throws: ImageFileError.self) {
            try ImageFile.decode(Data(try Self.jpegClaiming(width: 8000, height: 6000)), name: "big.jpg")
        }
        if case .tooLarge = error { Issue.record("48 megapixels must be accepted: \(error!)") }
    }
}

/// Inputs as a careless operator gives them: each is refused with a message that names
/// the file and says what to do, in words, never with a system error dump.
@Suite("Input file errors")
struct InputFileErrorTests {
    /// Words that mean a raw system error reached the operator.
    static let dumps = ["NSCocoaErrorDomain", "Error Domain", "error 256", "NSError", "ImageFileError", "JPEGError",
                        "Optional("]

    func expectClear(_ error: ImageFileError?, naming path: String, saying phrases: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        guard let message = error?.description else {
            Issue.record("no error for \(path)", sourceLocation: sourceLocation)
            return
        }
        #expect(message.contains(path), "\(message)", sourceLocation: sourceLocation)
        for phrase in phrases {
            #expect(message.contains(phrase), "\(message)", sourceLocation: sourceLocation)
        }
        for dump in Self.dumps {
            #expect(!message.contains(dump), "\(message)", sourceLocation: sourceLocation)
        }
    }

    func read(_ path: String) -> ImageFileError? {
        #expect(throws: ImageFileError.self) { try ImageFile.read(URL(fileURLWithPath: path)) }
    }

    @Test func aFolder() throws {
        let folder = try TemporaryFolder()
        let error = read(folder.url.path)
        expectClear(error, naming: folder.url.path, saying: ["is a folder", "JPEG or PNG"])
        #expect(!(error?.description.lowercased().contains("permission") ?? true))
    }

    @Test(.timeLimit(.minutes(1)))
    func aNamedPipeIsRefusedWithoutWaitingForAWriter() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("pipe.jpg").path
        try #require(mkfifo(path, 0o600) == 0)
        expectClear(read(path), naming: path, saying: ["named pipe (FIFO)", "not a photo file"])
    }

    @Test(arguments: ["/dev/null", "/dev/zero", "/dev/urandom"])
    func aDevice(_ path: String) {
        expectClear(read(path), naming: path, saying: ["character device", "not a photo file"])
    }

    @Test func aMissingFileAndAMissingFolder() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("photo.jpg").path
        expectClear(read(path), naming: path, saying: ["no such file", "check the name"])
        expectClear(read("/nonexistent/photo.jpg"), naming: "/nonexistent/photo.jpg",
                    saying: ["no such file", "the folder /nonexistent does not exist"])
    }

    @Test func aLinkToNothing() throws {
        let folder = try TemporaryFolder()
        let link = folder.url.appendingPathComponent("link.jpg").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "gone.jpg")
        expectClear(read(link), naming: link, saying: ["a link to gone.jpg, which does not exist"])
    }

    @Test func aFileInsteadOfAFolderOnThePath() throws {
        let folder = try TemporaryFolder()
        let file = folder.url.appendingPathComponent("file")
        try Data("x".utf8).write(to: file)
        let path = file.path + "/photo.jpg"
        expectClear(read(path), naming: path, saying: ["is a file, not a folder"])
    }

    @Test func anEmptyFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("empty.jpg").path
        try Data().write(to: URL(fileURLWithPath: path))
        expectClear(read(path), naming: path, saying: ["empty (0 bytes)", "copy or take the photo again"])
    }

    @Test func anUnreadableFile() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("secret.jpg").path
        try Data(JPEG.encode(syntheticPhoto())).write(to: URL(fileURLWithPath: path))
        chmod(path, 0)
        let phrases = ["permission denied", "with mode 0,", "chmod a+r"]
        // Root reads every file, so the refusal is also checked from the error code read(2) gives.
        expectClear(ImageFile.fileError(path, EACCES), naming: path, saying: phrases)
        if geteuid() != 0 { expectClear(read(path), naming: path, saying: phrases) }
    }

    @Test func aTruncatedJPEG() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("cut.jpg").path
        let jpeg = try JPEG.encode(syntheticPhoto())
        try Data(jpeg.prefix(jpeg.count / 2)).write(to: URL(fileURLWithPath: path))
        expectClear(read(path), naming: path, saying: ["ends too early", "copy or capture it again"])
    }

    @Test func aCorruptJPEG() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("bad.jpg").path
        var jpeg = try JPEG.encode(syntheticPhoto())
        let sof = (0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 }!
        for i in sof + 2..<sof + 12 { jpeg[i] = 0xEE }
        try Data(jpeg).write(to: URL(fileURLWithPath: path))
        expectClear(read(path), naming: path, saying: ["damaged", "again"])
    }

    @Test func aPNGThatIsReallyText() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("photo.png").path
        try Data("hello, this is not a picture\nsecond line\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = read(path)
        expectClear(error, naming: path, saying: ["a text file (starting \"hello, this is not a pic…\")",
                                                  "not a photo; give a .jpg or .png photo"])
        #expect(!(error?.description.contains("convert") ?? true), "converting text gives no photo")
    }

    @Test func aTruncatedAndACorruptPNG() throws {
        let folder = try TemporaryFolder()
        let (_, png) = try referencePicture(in: folder)
        let bytes = try Data(contentsOf: png)
        let cut = folder.url.appendingPathComponent("cut.png").path
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        expectClear(read(cut), naming: cut, saying: ["PNG data ends too early", "copy or export it again"])
        var damaged = bytes
        damaged[20] ^= 0xFF // inside IHDR: its CRC no longer matches
        let bad = folder.url.appendingPathComponent("bad.png").path
        try damaged.write(to: URL(fileURLWithPath: bad))
        expectClear(read(bad), naming: bad, saying: ["PNG data is damaged", "export the image again"])
    }

    @Test(arguments: [
        (Array("GIF89a\u{01}\u{00}\u{01}\u{00}".utf8), "a GIF image"),
        ([0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00], "a TIFF image"),
        ([0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0], "a HEIC/HEIF image"),
        (Array("%PDF-1.4\n".utf8), "a PDF document"),
        ([0x00, 0x01, 0x02, 0x03, 0xFE], "neither JPEG nor PNG (it starts with 00 01 02 03)"),
    ])
    func otherFormatsAreNamed(bytes: [UInt8], kind: String) throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("photo.jpg").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        expectClear(read(path), naming: path, saying: [kind])
    }

    @Test func aValidJPEGNamedPNGIsReadByItsContent() throws {
        let folder = try TemporaryFolder()
        let url = folder.url.appendingPathComponent("actually-a-jpeg.png")
        try Data(JPEG.encode(syntheticPhoto())).write(to: url)
        #expect(try ImageFile.read(url).size == PixelSize(width: 320, height: 240))
    }

    @Test func aJPEGOfAnUnsupportedKindIsNotCalledDamaged() throws {
        // A 12-bit frame header (SOF1 with precision 12): valid JPEG, not decodable here.
        var jpeg = try JPEG.encode(syntheticPhoto())
        let sof = (0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 }!
        jpeg[sof + 1] = 0xC1
        jpeg[sof + 4] = 12
        let error = #expect(throws: ImageFileError.self) { try ImageFile.decode(Data(jpeg), name: "deep.jpg") }
        expectClear(error, naming: "deep.jpg", saying: ["of a kind this program cannot decode", "8-bit"])
        #expect(!(error?.description.contains("damaged") ?? true))
    }
}

extension Array {
    /// Consecutive runs of `size` elements (the last may be shorter), each indexed from 0.
    func chunks(of size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
