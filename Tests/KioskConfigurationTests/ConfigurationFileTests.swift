import Foundation
import KioskConfiguration
import Testing

/// A small configuration shaped like the station's: nested values, every field defaulted.
private struct Example: Codable, Equatable {
    struct Camera: Codable, Equatable {
        var device = "/dev/kiosk-camera"
        var framesPerSecond = 30
    }

    var camera = Camera()
    var background = [100, 197, 255]
    var language = "zh+en"
}

private func load(_ text: String) throws(ConfigurationError) -> Example {
    try ConfigurationFile.decode(from: Data(text.utf8), file: "station.json5", defaults: Example())
}

@Suite("Configuration files")
struct ConfigurationFileTests {
    @Test func commentsUnquotedKeysAndTrailingCommasAreAccepted() throws {
        let config = try load("""
        // the station at the east gate
        { camera: { framesPerSecond: 15, }, /* white for this province */ background: [255, 255, 255], }
        """)
        #expect(config.camera.framesPerSecond == 15)
        #expect(config.camera.device == "/dev/kiosk-camera")
        #expect(config.background == [255, 255, 255])
    }

    @Test func anEmptyObjectGivesTheDefaults() throws {
        #expect(try load("{}") == Example())
    }

    @Test func aMisspeltKeyIsRejectedWithASuggestion() {
        #expect(throws: ConfigurationError.unknownKey(file: "station.json5", keyPath: "backgroud", suggestion: "background",
                                                      at: TextLocation(line: 1, column: 3))) {
            try load(#"{ backgroud: [1, 2, 3] }"#)
        }
    }

    @Test func anUnknownNestedKeyNamesItsFullPath() {
        let error = #expect(throws: ConfigurationError.self) { try load("{\n  camera: { resolution: \"1080p\" } }") }
        #expect(error == .unknownKey(file: "station.json5", keyPath: "camera.resolution", suggestion: nil,
                                     at: TextLocation(line: 2, column: 13)))
        #expect(error!.description == "station.json5:2:13: unknown setting 'camera.resolution'; remove it or check its spelling")
    }

    @Test func aValueOfTheWrongTypeSaysWhatIsExpected() {
        let error = #expect(throws: ConfigurationError.self) { try load(#"{ camera: { framesPerSecond: "fast" } }"#) }
        #expect(error == .wrongType(file: "station.json5", keyPath: "camera.framesPerSecond", expected: "a whole number",
                                    found: "\"fast\"", at: TextLocation(line: 1, column: 13)))
        #expect(error?.description == #"station.json5:1:13: 'camera.framesPerSecond' must be a whole number, not "fast""#)
    }

    @Test func brokenSyntaxIsReportedWithItsLineAndColumn() {
        let error = #expect(throws: ConfigurationError.self) { try load("{ camera: { \n") }
        #expect(error == .syntax(file: "station.json5", reason: "the file ends before the { at line 1, column 11 is closed with }",
                                 at: TextLocation(line: 2, column: 1)))
    }

    @Test func aValidatorsFindingIsPlacedAtTheKeyTheFileSets() {
        func validate(_ example: Example) -> InvalidSetting? {
            example.camera.framesPerSecond > 60
                ? InvalidSetting(keyPath: "camera.framesPerSecond", reason: "is \(example.camera.framesPerSecond); it must be at most 60",
                                 relatedKeyPaths: ["camera.device"])
                : nil
        }
        func load(_ text: String) throws(ConfigurationError) -> Example {
            try ConfigurationFile.decode(from: Data(text.utf8), file: "s.json5", defaults: Example(), validate: validate)
        }
        #expect(throws: ConfigurationError.invalidValue(file: "s.json5", keyPath: "camera.framesPerSecond",
                                                        reason: "is 90; it must be at most 60", at: TextLocation(line: 3, column: 5))) {
            try load("{\n  camera: {\n    framesPerSecond: 90 } }")
        }
        // Where the file does not set the key, the error points at a setting it was judged against.
        var defaults = Example()
        defaults.camera.framesPerSecond = 90
        let related = #expect(throws: ConfigurationError.self) {
            try ConfigurationFile.decode(from: Data(#"{ camera: { device: "/dev/video2" } }"#.utf8), file: "s.json5",
                                         defaults: defaults, validate: validate)
        }
        #expect(related?.location == TextLocation(line: 1, column: 13))
        // Where it sets neither, the value at fault is the default, and the message says so.
        let unset = #expect(throws: ConfigurationError.self) {
            try ConfigurationFile.decode(from: Data("{}".utf8), file: "s.json5", defaults: defaults, validate: validate)
        }
        #expect(unset?.description
            == "s.json5: 'camera.framesPerSecond' is 90; it must be at most 60 (this is the default: the file does not set it)")
    }

    @Test func aMissingFileSaysSo() {
        #expect(throws: ConfigurationError.unreadable(file: "/nonexistent/station.json5", reason: "no such file")) {
            try ConfigurationFile.load(from: URL(fileURLWithPath: "/nonexistent/station.json5"), defaults: Example())
        }
    }

    /// Paths that are not settings files, each named for what it is (a FIFO is not opened
    /// for a blocking read, so it cannot hang the program).
    @Test(arguments: [("a folder", "it is a folder, not a file"), ("a FIFO", "it is a named pipe (FIFO), not a file"),
                      ("/dev/null", "it is a device, not a file"), ("/dev/zero", "it is a device, not a file"),
                      ("a 2 MB file", "it holds 2097152 bytes, far more than a settings file"),
                      ("a file on the path", "a part of the path is a file, not a folder")])
    func aPathThatIsNotASettingsFileIsNamedForWhatItIs(_ kind: String, _ reason: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path: String
        switch kind {
        case "a folder": path = folder.path
        case "a FIFO":
            path = folder.appendingPathComponent("pipe").path
            #expect(mkfifo(path, 0o644) == 0)
        case "a 2 MB file":
            path = folder.appendingPathComponent("big.json5").path
            try Data(repeating: 0x20, count: 2 << 20).write(to: URL(fileURLWithPath: path))
        case "a file on the path":
            try Data("{}".utf8).write(to: folder.appendingPathComponent("station.json5"))
            path = folder.appendingPathComponent("station.json5/station.json5").path
        default: path = kind
        }
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationFile.load(from: URL(fileURLWithPath: path), defaults: Example())
        }
        #expect(error?.file == path)
        #expect(error?.description.hasPrefix("cannot read the configuration \(path): \(reason)") == true, "\(String(describing: error))")
    }
}
