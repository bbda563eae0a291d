import Foundation
import KioskConfiguration
import Testing

/// A configuration of every plain kind, for reading JSON5 through the public loader.
private struct Settings: Codable, Equatable {
    struct Camera: Codable, Equatable {
        var name = "webcam"
        var rate = 30.0
        var width = 640
    }

    var camera = Camera()
    var label = "station"
    var levels = [1, 2, 3]
    var mirror = true
    var small: UInt8 = 0
}

private func load(_ text: String) throws(ConfigurationError) -> Settings {
    try ConfigurationFile.decode(from: Data(text.utf8), file: "s.json5", defaults: Settings())
}

/// The error `text` gives, which must be one.
private func failure(_ text: String) -> ConfigurationError? {
    #expect(throws: ConfigurationError.self) { try load(text) }
}

@Suite("JSON5: the grammar, and where a mistake is")
struct JSON5Tests {
    @Test func everyFormOfJSON5IsRead() throws {
        let settings = try load("""
            \u{FEFF}// a comment, then the value
            {
              camera: { name: 'east \\'gate\\'', rate: +.5e2, width: 0x280, },  /* hex, signed, leading point */
              "label": "line one \\
            continued \\u00e9\\x41\\t",
              levels: [5., -1, 0,],
              mirror: false,
              small: 255,
              \u{3000}
            }
            """)
        #expect(settings.camera == Settings.Camera(name: "east 'gate'", rate: 50, width: 640))
        #expect(settings.label == "line one continued éA\t")
        #expect(settings.levels == [5, -1, 0])
        #expect(!settings.mirror)
        #expect(settings.small == 255)
    }

    @Test func unicodeKeysAndSurrogatePairsAreRead() throws {
        struct Named: Codable, Equatable { var 名称 = ""; var emoji = "" }
        let named = try ConfigurationFile.decode(from: Data(#"{ 名称: "东门", emoji: "\uD83D\uDCF7" }"#.utf8),
                                                 file: "n.json5", defaults: Named())
        #expect(named == Named(名称: "东门", emoji: "📷"))
    }

    /// Each mistake: the text, where it is (line, column) and words the reason must hold.
    static let syntaxMistakes: [(name: String, text: String, line: Int, column: Int, says: String)] = [
        ("a comma missing between two settings", "{\n  label: \"a\"\n  mirror: true\n}", 3, 3, "expected , or }"),
        ("an object not closed", "{\n  camera: { width: 1 \n", 3, 1, "before the { at line 2, column 11 is closed"),
        ("a list not closed", "{ levels: [1, 2 }", 1, 17, "expected , or ]"),
        ("two commas in a list", "{ levels: [1,, 2] }", 1, 14, "two commas"),
        ("two commas in an object", "{ label: \"a\",, }", 1, 14, "expected the name of a setting"),
        ("text not closed on its line", "{\n  label: \"abc\n}", 2, 10, "runs past the end of the line"),
        ("a comment not closed", "{ /* the camera\n  label: \"a\" }", 1, 3, "is not closed with */"),
        ("a bare word", "{\n\tlabel: east\n}", 2, 9, "put text in quotes"),
        ("a single slash", "{ label: \"a\" / }", 1, 14, "comments start with"),
        ("a unit after a number", "{ camera: { width: 640px } }", 1, 23, "right after a number"),
        ("a leading zero", "{ camera: { width: 0640 } }", 1, 20, "may not start with 0 (write 640)"),
        ("a key given twice", "{\n  label: \"a\",\n  label: \"b\"\n}", 3, 3, "given twice (first at line 2, column 3)"),
        ("a colon missing", "{ label \"a\" }", 1, 9, "expected : after the name 'label'"),
        ("something after the object", "{ label: \"a\" } }", 1, 16, "after the end of the settings"),
        ("an empty file", "  // nothing\n", 2, 1, "holds no settings"),
        ("a bad escape", #"{ label: "\1" }"#, 1, 11, "is not an escape"),
        ("a short \\u escape", #"{ label: "\u12" }"#, 1, 11, "hexadecimal digits"),
        ("a list at the top", "[1, 2]", 1, 1, "must hold one { … } of settings"),
        ("CR LF line ends counted once", "{\r\n  label: \"a\"\r\n  mirror: true\r\n}", 3, 3, "expected , or }"),
    ]

    @Test(arguments: syntaxMistakes)
    func aSyntaxMistakeIsPlaced(_ mistake: (name: String, text: String, line: Int, column: Int, says: String)) {
        let error = failure(mistake.text)
        guard case let .syntax(file, reason, at)? = error else {
            Issue.record("\(mistake.name): expected a syntax error, got \(String(describing: error))")
            return
        }
        #expect(file == "s.json5")
        #expect(at == TextLocation(line: mistake.line, column: mistake.column), "\(mistake.name): \(reason)")
        #expect(reason.contains(mistake.says), "\(mistake.name): \(reason)")
        #expect(error!.description.hasPrefix("s.json5:\(mistake.line):\(mistake.column): not valid JSON5: "))
    }

    @Test func textThatIsNotUTF8IsPlaced() {
        var bytes = Array("{\n  label: \"".utf8)
        bytes += [0xC3, 0x28]  // a lead byte without its continuation, as Latin-1 editors write é
        bytes += Array("\" }".utf8)
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationFile.decode(from: Data(bytes), file: "s.json5", defaults: Settings())
        }
        #expect(error == .syntax(file: "s.json5", reason: "the file is not UTF-8 text here (save it as UTF-8)",
                                 at: TextLocation(line: 2, column: 11)))
    }

    @Test func aValueOfTheWrongKindIsPlacedAndQuoted() {
        #expect(failure("{\n  camera: {\n    width: 2.5\n  }\n}") == .wrongType(
            file: "s.json5", keyPath: "camera.width", expected: "a whole number", found: "2.5",
            at: TextLocation(line: 3, column: 5)))
        #expect(failure("{ camera: { width: null } }")?.description == "s.json5:1:13: 'camera.width' must be a whole number, not null")
        #expect(failure("{ levels: [1, \"two\"] }") == .wrongType(
            file: "s.json5", keyPath: "levels.1", expected: "a whole number", found: "\"two\"", at: TextLocation(line: 1, column: 15)))
        #expect(failure("{ camera: 5 }")?.description == "s.json5:1:3: 'camera' must be an object { … } of settings, not 5")
    }

    @Test func aNumberTooLargeForItsSettingSaysSo() {
        #expect(failure("{ small: 256 }")?.description
            == "s.json5:1:3: 'small' is 256, beyond what this setting can hold (a whole number from 0 to 255)")
        #expect(failure("{ camera: { width: 1e20 } }")?.description
            == "s.json5:1:13: 'camera.width' is 1e+20, beyond what this setting can hold")
    }

    @Test func infinityAndNaNAreReadButRefused() {
        #expect(failure("{ camera: { rate: -Infinity } }") == .invalidValue(
            file: "s.json5", keyPath: "camera.rate", reason: "is -Infinity; it must be a finite number",
            at: TextLocation(line: 1, column: 13)))
        #expect(failure("{ camera: { rate: NaN } }")?.keyPath == "camera.rate")
        #expect(failure("{ camera: { rate: 1e999 } }")?.keyPath == "camera.rate")
    }

    @Test func wordsOutsideTheirListAreRefusedWithTheList() {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationFile.decode(from: Data("{\n  camera: { name: \"usb\" } }".utf8), file: "s.json5",
                                         defaults: Settings(), words: ["camera.name": ["webcam", "pattern", "replay"]])
        }
        #expect(error?.description == #"s.json5:2:13: 'camera.name' must be "webcam", "pattern" or "replay", not "usb""#)
    }
}
