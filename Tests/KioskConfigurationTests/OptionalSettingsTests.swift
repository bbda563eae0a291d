import Foundation
import KioskConfiguration
import Testing

/// Settings whose default is none: left out when the defaults are encoded, so only the
/// filled-in example makes their keys known.
private struct Camera: Codable, Equatable {
    var width: Int?
    var fps = 30.0
}

private let example = Camera(width: 1, fps: 1)

@Suite("Configuration files: settings without a default")
struct OptionalSettingsTests {
    @Test func withoutTheExampleSuchAKeyIsUnknown() {
        #expect(throws: ConfigurationError.unknownKey(file: "c.json5", keyPath: "width", suggestion: nil,
                                                      at: TextLocation(line: 1, column: 3))) {
            try ConfigurationFile.decode(from: Data("{ width: 1280 }".utf8), file: "c.json5", defaults: Camera())
        }
    }

    @Test func theExampleMakesItSettableAndItsValueIsNeverUsed() throws {
        let set = try ConfigurationFile.decode(from: Data("{ width: 1280 }".utf8), file: "c.json5",
                                               defaults: Camera(), optionalKeys: example)
        #expect(set == Camera(width: 1280, fps: 30))
        let unset = try ConfigurationFile.decode(from: Data("{}".utf8), file: "c.json5", defaults: Camera(), optionalKeys: example)
        #expect(unset == Camera())
        #expect(throws: ConfigurationError.unknownKey(file: "c.json5", keyPath: "widht", suggestion: "width",
                                                      at: TextLocation(line: 1, column: 3))) {
            try ConfigurationFile.decode(from: Data("{ widht: 1280 }".utf8), file: "c.json5", defaults: Camera(), optionalKeys: example)
        }
    }

    @Test func everyKeyIsWrittenUnsetOnesAsNullAndReadsBack() throws {
        let text = String(decoding: ConfigurationFile.encodeEveryKey(Camera(), optionalKeys: example), as: UTF8.self)
        #expect(text == "{\n  \"fps\" : 30,\n  \"width\" : null\n}")
        #expect(try ConfigurationFile.decode(from: Data(text.utf8), file: "shown", defaults: Camera(), optionalKeys: example) == Camera())
    }
}
