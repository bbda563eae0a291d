import CodeReading
import DataCache
import Foundation
import ImageKit
import Testing

/// Codes made by an independent encoder (`qrencode`) and changed by ImageMagick's `convert`
/// the way a webcam sees a phone or a printout: never by the code under test.
enum CodeImages {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: CodeImages.folder) }
        return url
    }()

    /// An opaque code as the national site might make it (it is encrypted; the station must
    /// not care what is inside), Chinese text, and one with the characters CSV and shells mind.
    static let payloads = [
        "cXLn8Kp2+Vd0/hQ9sR4tWm1ZbG7eYjNaUo3iF6cE5kTz0qHw2xLr9PvDs8uBnMgA4Jy1==",
        "图像采集码：北京大学 2024届 学号2020123456",
        " a,b;\"quoted\" $HOME `x` \\ tail ",
    ]

    static func tool(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "\(arguments)"]) }
    }

    /// The code of `payload` at `pixelsPerModule`, then the `convert` steps given.
    static func image(_ payload: String, pixelsPerModule: Int, _ steps: [String] = []) throws -> GrayImage {
        let name = "\(abs(payload.hashValue))-\(pixelsPerModule)-\(abs(steps.joined().hashValue))"
        let code = folder.appendingPathComponent("\(name).png")
        try tool(["qrencode", "-l", "M", "-s", String(pixelsPerModule), "-m", "4", "-o", code.path, "--", payload])
        guard !steps.isEmpty else { return try ImageFile.read(code).grayscale() }
        let changed = folder.appendingPathComponent("\(name)-changed.jpg")
        try tool(["convert", code.path] + steps + [changed.path])
        return try ImageFile.read(changed).grayscale()
    }

    /// A 1280 × 720 camera frame: a portrait scene with the code held up in it, slightly
    /// turned, a little soft, with sensor noise, stored as a JPEG.
    static func cameraFrame(_ payload: String) throws -> GrayImage {
        let code = folder.appendingPathComponent("held-\(abs(payload.hashValue)).png")
        try tool(["qrencode", "-l", "M", "-s", "5", "-m", "3", "-o", code.path, "--", payload])
        let frame = folder.appendingPathComponent("frame-\(abs(payload.hashValue)).jpg")
        try tool(["convert", DataCache.standard.face("obama.jpg").path, "-resize", "1280x720^", "-gravity", "center",
                  "-extent", "1280x720", "(", code.path, "-background", "white", "-rotate", "8", ")",
                  "-gravity", "northwest", "-geometry", "+820+260", "-composite", "-blur", "0x0.8",
                  "-attenuate", "0.4", "+noise", "Gaussian", "-quality", "80", frame.path])
        return try ImageFile.read(frame).grayscale()
    }
}

@Suite("The collection code read from a webcam frame through ZBar",
       .enabled(if: DataCache.standard.isPopulated, "\(DataCache.standard.missingMessage)"))
struct CollectionCodeReaderTests {
    @Test(arguments: CodeImages.payloads, [2, 4, 8])
    func aCodeIsReadVerbatimAtEverySize(_ payload: String, _ pixelsPerModule: Int) throws {
        #expect(CollectionCodeReader.read(try CodeImages.image(payload, pixelsPerModule: pixelsPerModule)) == [payload])
    }

    @Test(arguments: CodeImages.payloads)
    func aTurnedNoisyCodeIsRead(_ payload: String) throws {
        let turned = try CodeImages.image(payload, pixelsPerModule: 6, ["-background", "white", "-rotate", "33"])
        #expect(CollectionCodeReader.read(turned) == [payload])
        let noisy = try CodeImages.image(payload, pixelsPerModule: 6, ["-attenuate", "0.8", "+noise", "Gaussian", "-quality", "70"])
        #expect(CollectionCodeReader.read(noisy) == [payload])
    }

    @Test(arguments: CodeImages.payloads)
    func aCodeHeldUpInACameraFrameIsRead(_ payload: String) throws {
        #expect(CollectionCodeReader.read(try CodeImages.cameraFrame(payload)) == [payload])
    }

    @Test func aFrameWithoutACodeGivesNothing() throws {
        let portrait = try ImageFile.read(DataCache.standard.face("obama.jpg")).grayscale()
        #expect(CollectionCodeReader.read(portrait).isEmpty)
        #expect(CollectionCodeReader.read(GrayImage(width: 640, height: 480, filledWith: 128)).isEmpty)
        #expect(CollectionCodeReader.read(GrayImage(width: 0, height: 0)).isEmpty)
    }

    @Test func bytesThatAreNotUTF8AreKeptOneCharacterPerByte() throws {
        // qrencode -8 takes the bytes as they are; 0xB2 0xC9 is GBK, not UTF-8.
        let file = CodeImages.folder.appendingPathComponent("gbk.png")
        let bytes: [UInt8] = [0x51, 0x52, 0x3A, 0xB2, 0xC9, 0xBC, 0xAF, 0x00, 0xFF]
        let input = CodeImages.folder.appendingPathComponent("gbk.bin")
        try Data(bytes).write(to: input)
        try CodeImages.tool(["sh", "-c", "qrencode -8 -s 6 -o \"$1\" < \"$2\"", "sh", file.path, input.path])
        let read = CollectionCodeReader.read(try ImageFile.read(file).grayscale())
        #expect(read.map { $0.unicodeScalars.map { UInt8($0.value) } } == [bytes])
    }
}

@Suite struct ScannerBurstTests {
    private func keys(_ text: String, start: Double = 100, gaps: (Int) -> Double) -> [ScannerBurst.Key] {
        var time = start
        return Array(text + "\r").enumerated().map { index, character in
            if index > 0 { time += gaps(index) }
            return ScannerBurst.Key(character, at: time)
        }
    }

    @Test func aScannerBurstIsTheScannersPayloadExactly() {
        let payload = "cXLn8Kp2+Vd0/hQ9sR4tWm1Zb, 码"
        #expect(ScannerBurst.classify(keys(payload) { _ in 0.002 }) == .scanner(payload))
        // A USB hiccup of 40 ms in the middle is still the scanner.
        #expect(ScannerBurst.classify(keys(payload) { $0 == 10 ? 0.04 : 0.003 }) == .scanner(payload))
    }

    @Test func aPersonTypingIsTypedEvenWithKeysRolledOver() {
        // 80–240 ms between keys, with two keys 6 ms apart (one pressed before the other is released).
        let typed = keys("2020123456") { index in index == 4 ? 0.006 : 0.08 + Double(index % 5) * 0.04 }
        #expect(ScannerBurst.classify(typed) == .typed("2020123456"))
        // Fast on average but with a pause: a person who knows the number by heart.
        #expect(ScannerBurst.classify(keys("2020123456") { $0 == 5 ? 0.3 : 0.001 }) == .typed("2020123456"))
    }

    @Test func aShortFastLineIsTypedAndKeysWithoutEnterAreNotJudgedYet() {
        #expect(ScannerBurst.classify(keys("123X") { _ in 0.002 }) == .typed("123X"))
        #expect(ScannerBurst.classify(Array(keys("ABCDEFGHIJ") { _ in 0.002 }.dropLast())) == nil)
        #expect(ScannerBurst.classify([]) == nil)
        #expect(ScannerBurst.classify([ScannerBurst.Key("\r", at: 1)]) == .typed(""))
    }
}
