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
        #expect(throws: ConfigurationError.unknownKey(file: "station.json5", keyPath: "backgroud", suggestion: "background")) {
            try load(#"{ backgroud: [1, 2, 3] }"#)
        }
    }

    @Test func anUnknownNestedKeyNamesItsFullPath() {
        let error = #expect(throws: ConfigurationError.self) { try load(#"{ camera: { resolution: "1080p" } }"#) }
        #expect(error == .unknownKey(file: "station.json5", keyPath: "camera.resolution", suggestion: nil))
        #expect(error!.description == "station.json5: unknown setting 'camera.resolution'; remove it or check its spelling")
    }

    @Test func aValueOfTheWrongTypeSaysWhatIsExpected() {
        let error = #expect(throws: ConfigurationError.self) { try load(#"{ camera: { framesPerSecond: "fast" } }"#) }
        #expect(error == .wrongType(file: "station.json5", keyPath: "camera.framesPerSecond", expected: "a whole number"))
    }

    @Test func brokenSyntaxIsReportedAsSuch() {
        let error = #expect(throws: ConfigurationError.self) { try load(#"{ camera: { "#) }
        guard case .syntax = error else { Issue.record("expected a syntax error, got \(String(describing: error))"); return }
    }

    @Test func aMissingFileSaysSo() {
        #expect(throws: ConfigurationError.unreadable(file: "/nonexistent/station.json5", reason: "no such file")) {
            try ConfigurationFile.load(from: URL(fileURLWithPath: "/nonexistent/station.json5"), defaults: Example())
        }
    }
}
