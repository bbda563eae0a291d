import Capture
import Compliance
import Foundation
import KioskConfiguration
import LiveStation
import PhotoStandard
import Testing

/// The example files operators start from, next to the package.
private let configFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../kiosk-config").standardized

/// The station's examples; server.json5 beside them is kiosk-server's (ServerSettingsTests loads it).
private let exampleFiles = (try? FileManager.default.contentsOfDirectory(atPath: configFolder.path))?
    .filter { $0.hasPrefix("station") && $0.hasSuffix(".json5") }.sorted() ?? []

@Suite("Station configuration")
struct StationConfigurationTests {
    @Test func theExampleFolderHoldsTheTwoStations() {
        #expect(exampleFiles == ["station-white-background.json5", "station.json5"])
    }

    @Test(arguments: exampleFiles)
    func everyExampleFileLoads(_ name: String) throws {
        let configuration = try StationConfiguration.load(from: configFolder.appendingPathComponent(name).path)
        #expect(configuration.checks == .standard)
    }

    @Test func theStationExampleKeepsTheStandardAndTurnsTheCameraAutomatic() throws {
        let configuration = try StationConfiguration.load(from: configFolder.appendingPathComponent("station.json5").path)
        #expect(configuration.photo == .diplomaBlue)
        #expect(configuration.camera.settings.powerLineHz == 50)
        #expect(configuration.camera.settings.exposure == .automatic)
        #expect(configuration.screen == StationConfiguration.Screen())
    }

    @Test func theWhiteExampleIsTheWhiteStandard() throws {
        let configuration = try StationConfiguration.load(
            from: configFolder.appendingPathComponent("station-white-background.json5").path)
        #expect(configuration.photo == .diplomaWhite)
    }

    @Test func noFileMeansTheDefaults() throws {
        #expect(try StationConfiguration.load(from: nil) == .standard)
        #expect(StationConfiguration.standard.camera.source == "auto")
        #expect(StationConfiguration.standard.photo == .diplomaBlue)
    }

    @Test func aMisspeltKeyNamesItAndSuggestsTheRightOne() {
        #expect(throws: ConfigurationError.unknownKey(file: "s.json5", keyPath: "screen.colour", suggestion: "colors",
                                                      at: TextLocation(line: 1, column: 13))) {
            try StationConfiguration.decode(#"{ screen: { colour: "256" } }"#, file: "s.json5")
        }
        #expect(throws: ConfigurationError.unknownKey(file: "s.json5", keyPath: "checks.rol", suggestion: "roll",
                                                      at: TextLocation(line: 1, column: 13))) {
            try StationConfiguration.decode(#"{ checks: { rol: { warn: 2 } } }"#, file: "s.json5")
        }
    }

    @Test func aWrongTypeNamesTheKeyAndTheTypeWanted() {
        #expect(throws: ConfigurationError.wrongType(file: "s.json5", keyPath: "photo.width", expected: "a whole number",
                                                     found: "\"wide\"", at: TextLocation(line: 1, column: 12))) {
            try StationConfiguration.decode(#"{ photo: { width: "wide" } }"#, file: "s.json5")
        }
        #expect(throws: ConfigurationError.wrongType(file: "s.json5", keyPath: "screen.mirror", expected: "true or false",
                                                     found: "\"yes\"", at: TextLocation(line: 1, column: 13))) {
            try StationConfiguration.decode(#"{ screen: { mirror: "yes" } }"#, file: "s.json5")
        }
    }

    @Test func wordsOutsideTheirChoicesAreRejected() {
        let colors = #expect(throws: ConfigurationError.self) {
            try StationConfiguration.decode(#"{ screen: { colors: "255" } }"#, file: "s.json5")
        }
        #expect(colors?.description == #"s.json5:1:13: 'screen.colors' must be "auto", "truecolor", "256" or "16", not "255""#)
        let exposure = #expect(throws: ConfigurationError.self) {
            try StationConfiguration.decode(#"{ camera: { settings: { exposure: "automatic" } } }"#, file: "s.json5")
        }
        guard case let .invalidValue(_, keyPath, _, _) = exposure else { Issue.record("\(String(describing: exposure))"); return }
        #expect(keyPath == "camera.settings.exposure")
        #expect(throws: ConfigurationError.self) { try StationConfiguration.decode(#"{ camera: { source: "webcam" } }"#, file: "s.json5") }
        #expect(throws: ConfigurationError.self) { try StationConfiguration.decode(#"{ screen: { language: "fr" } }"#, file: "s.json5") }
    }

    @Test func settingsWithoutADefaultCanBeSet() throws {
        let configuration = try StationConfiguration.decode("""
            { camera: { mode: { pixelFormat: "YUYV", width: 1280, height: 720 }, settings: { exposure: 300, whiteBalance: "hold" } },
              faces: { detection: { minimumFaceSize: 120 } } }
            """, file: "s.json5")
        #expect(configuration.camera.mode == ModeRequest(pixelFormat: FourCC(string: "YUYV"), width: 1280, height: 720))
        #expect(configuration.camera.settings.exposure == .manual(300))
        #expect(configuration.camera.settings.whiteBalance == .manual(nil))
        #expect(configuration.faces.detection.minimumFaceSize == 120)
    }

    @Test func thePlateSettingsReachTheLiveLoop() throws {
        let configuration = try StationConfiguration.decode(#"{ plate: { lightChange: 0.06, stillSeconds: 3 } }"#, file: "s.json5")
        #expect((try configuration.liveOptions()).plate.lightChange == 0.06)
        #expect((try configuration.liveOptions()).plate.stillSeconds == 3)
        #expect((try configuration.liveOptions()).plate.structureChange == PlateSettings().structureChange)
        let strip = #expect(throws: ConfigurationError.self) {
            try StationConfiguration.decode(#"{ plate: { topStrip: 1.5 } }"#, file: "s.json5")
        }
        #expect(strip?.description == "s.json5:1:12: 'plate.topStrip' is 1.5; it must be a share of the frame between 0 and 1")
        #expect(throws: ConfigurationError.self) { try StationConfiguration.decode(#"{ plate: { lightChange: 0 } }"#, file: "s.json5") }
    }

    @Test func theShownConfigurationReadsBackAsTheSame() throws {
        var changed = StationConfiguration.standard
        changed.camera.settings.focus = .manual(40)
        changed.checks.roll = .atMost(warn: 2, fail: 4)
        changed.screen.language = "en"
        for configuration in [StationConfiguration.standard, changed] {
            #expect(configuration.json.contains(#""whiteBalance" : null"#))
            #expect(try StationConfiguration.decode(configuration.json, file: "shown.json") == configuration)
        }
    }
}
