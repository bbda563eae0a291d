import Capture
import Compliance
import FaceKit
import Fees
import Foundation
import Guidance
import ImageKit
import KioskConfiguration
import PhotoStandard
import Speech
import StationMetrics
import StationSession
import StationStore
import StationSync
import TerminalUI

/// Everything a station operator may set, in one file (`kiosk --config station.json5`).
///
/// Each section is the owning module's own configuration value, so every number has one
/// home: the photo standard is a `PhotoSpec`, the check thresholds `ComplianceLimits`, the
/// camera a `ModeRequest` and `CameraSettings`. A file names only what it changes; the rest
/// keeps these defaults (see kiosk-config/ for examples, `kiosk config show` for the whole).
public struct StationConfiguration: Codable, Sendable, Hashable {
    public struct Camera: Codable, Sendable, Hashable {
        /// `auto` (/dev/kiosk-camera if the udev rule made it, else /dev/video0), or any
        /// source `kiosk run --source` takes: /dev/videoN, usb:VVVV:PPPP, replay:DIR@FPS, pattern:.
        public var source = "auto"
        public var mode = ModeRequest()
        public var settings = CameraSettings()

        public init() {}

        /// The source to open.
        public func sourceSpec() throws -> SourceSpec {
            source == "auto" ? SourceSpec.defaultCamera() : try SourceSpec(parsing: source)
        }
    }

    public struct Faces: Codable, Sendable, Hashable {
        public var models = FaceModels.standard
        public var detection = FaceDetectionOptions()

        public init() {}
    }

    public struct Segmentation: Codable, Sendable, Hashable {
        /// The person network (ONNX) that finds the whole person without a plate and helps the
        /// plate where clothes or skin match the wall; "" for grabCut alone (much weaker: see
        /// docs/standard-photo.md).
        public var personNetwork = PersonNetwork.defaultFile(models: FaceModels.stationFolder).path

        public init() {}

        /// The network, or nil when switched off.
        public func network() throws(SegmentationError) -> PersonNetwork? {
            personNetwork.isEmpty ? nil : try PersonNetwork(file: URL(fileURLWithPath: personNetwork))
        }
    }

    public struct Screen: Codable, Sendable, Hashable {
        /// `auto` (from COLORTERM and TERM), `truecolor`, `256` or `16`.
        public var colors = "auto"
        public var dither = DitherMethod.ordered
        /// The preview is shown like a mirror; the saved photo never is.
        public var mirror = true
        public var guide = GuideShape.headAndShoulders
        /// The language shown large: `zh` or `en`.
        public var language = LanguageChoice.Language.chinese.rawValue
        /// Whether the other language is shown below it.
        public var secondLanguage = true

        public init() {}

        /// The colour reduction for this terminal.
        public func reducer(environment: [String: String] = ProcessInfo.processInfo.environment) -> ColorReducer {
            ColorReducer(mode: ColorMode(rawValue: colors) ?? ColorMode.detect(environment: environment), dither: dither)
        }

        public var languageChoice: LanguageChoice {
            LanguageChoice(primary: LanguageChoice.Language(rawValue: language) ?? .chinese, showSecondary: secondLanguage)
        }
    }

    public var camera = Camera()
    /// The photo standard; `PhotoSpec.diplomaWhite` is the white-background variant
    /// (kiosk-config/station-white-background.json5).
    public var photo = PhotoSpec.diplomaBlue
    public var checks = ComplianceLimits.standard
    public var faces = Faces()
    public var segmentation = Segmentation()
    public var screen = Screen()
    /// The local store every accepted session goes into (its folder, retention, free space).
    public var store = StoreSettings.standard
    /// The fee per batch, outside the window and for a retake owed.
    public var fees = FeeSettings.standard
    /// How patient the station is: identification tries, lock-out, each screen's time-out.
    public var session = SessionSettings.standard
    /// Spoken prompts (off by default).
    public var speech = SpeechSettings.standard
    /// The central server the outbox goes to (no server by default: the station works offline).
    public var sync = SyncSettings.standard
    /// When the station takes its clean plate of the empty backdrop and when it drops it.
    public var plate = PlateSettings()
    /// Where `kiosk run` serves its Prometheus metrics (loopback by default).
    public var metrics = MetricsSettings.standard
    /// How much `kiosk run` logs (to the journal, or to kiosk.log beside the store).
    public var logging = LoggingSettings.standard

    public init() {}

    /// The defaults.
    public static let standard = StationConfiguration()

    /// The file at `path` over the defaults, every value checked; the defaults when `path` is nil.
    ///
    /// Every command reads its settings here, and `kiosk config check` too, so a file is
    /// refused by all of them with the same message: the key, its line and column, the value
    /// and what is allowed.
    public static func load(from path: String?) throws(ConfigurationError) -> StationConfiguration {
        guard let path else { return .standard }
        return try ConfigurationFile.load(from: URL(fileURLWithPath: path), defaults: .standard,
                                          optionalKeys: optionalKeys, words: words, validate: { $0.invalidSetting() })
    }

    /// JSON5 text over the defaults, `file` naming it in errors; checked as `load(from:)` checks a file.
    public static func decode(_ text: String, file: String) throws(ConfigurationError) -> StationConfiguration {
        try ConfigurationFile.decode(from: Data(text.utf8), file: file, defaults: .standard,
                                     optionalKeys: optionalKeys, words: words, validate: { $0.invalidSetting() })
    }

    /// The whole configuration as JSON (which JSON5 reads), settings without a value as null.
    public var json: String {
        String(decoding: ConfigurationFile.encodeEveryKey(self, optionalKeys: Self.optionalKeys), as: UTF8.self)
    }

    /// The settings whose default is "none" (the camera's own choice, no limit), filled in so
    /// that their keys are known; the values are never used.
    static let optionalKeys: StationConfiguration = {
        var keys = StationConfiguration()
        keys.camera.mode = ModeRequest(pixelFormat: FourCC(string: "MJPG"), width: 1, height: 1)
        keys.camera.settings = CameraSettings(exposure: .automatic, whiteBalance: .automatic, gain: .automatic,
                                              focus: .automatic, brightness: 0, powerLineHz: 50)
        keys.faces.detection = FaceDetectionOptions(minimumFaceSize: 1, region: PixelRect(x: 0, y: 0, width: 1, height: 1))
        return keys
    }()

    /// The text settings that take one of a few words, with those words: any other is
    /// refused with the list (a check's side is the one the check measures).
    static let words: [String: [String]] = {
        var words = [
            "screen.colors": ["auto"] + ColorMode.allCases.map(\.rawValue),
            "screen.dither": DitherMethod.allCases.map(\.rawValue),
            "screen.guide": GuideShape.allCases.map(\.rawValue),
            "screen.language": LanguageChoice.Language.allCases.map(\.rawValue),
            "logging.level": LoggingSettings.levels,
        ]
        for (key, limit) in ComplianceLimits.standard.limits { words["checks.\(key).side"] = [limit.side.rawValue] }
        return words
    }()

    /// What the types cannot say: ranges, one value against another, files that must exist.
    /// The sections' own types judge their values (each number keeps its rules beside it);
    /// this adds the section's name to the key.
    func invalidSetting() -> InvalidSetting? {
        func within(_ section: String, _ problem: (key: String, reason: String, related: [String])?) -> InvalidSetting? {
            problem.map { InvalidSetting(keyPath: "\(section).\($0.key)", reason: $0.reason,
                                         relatedKeyPaths: $0.related.map { "\(section).\($0)" }) }
        }
        func invalid(_ key: String, _ reason: String) -> InvalidSetting { InvalidSetting(keyPath: key, reason: reason) }
        if camera.source != "auto" {
            do { _ = try SourceSpec(parsing: camera.source) } catch {
                // The camera's own error quotes the value and lists the forms a source takes.
                return invalid("camera.source", "is not usable: \(error)")
            }
        }
        if let problem = within("camera.mode", camera.mode.invalidSetting())
            ?? within("camera.settings", camera.settings.invalidSetting())
            ?? within("photo", photo.invalidSetting())
            ?? within("checks", checks.invalidSetting()) {
            return problem
        }
        if let problem = within("faces.detection", faces.detection.invalidSetting()) { return problem }
        let positive: [(String, Double)] = [("stillSeconds", plate.stillSeconds), ("stillChange", plate.stillChange),
                                            ("lightChange", plate.lightChange), ("structureChange", plate.structureChange),
                                            ("displacement", plate.displacement)]
        for (key, value) in positive where !(value > 0) {
            return invalid("plate.\(key)", "is \(ConfigurationFile.format(value)); it must be a number above 0")
        }
        let shares: [(String, Double)] = [("topStrip", plate.topStrip), ("sideStrip", plate.sideStrip),
                                          ("sideStripBottom", plate.sideStripBottom)]
        for (key, value) in shares where !(value > 0 && value < 1) {
            return invalid("plate.\(key)", "is \(ConfigurationFile.format(value)); it must be a share of the frame between 0 and 1")
        }
        if let problem = within("store", store.invalidSetting()) ?? within("fees", fees.invalidSetting())
            ?? within("session", session.invalidSetting()) ?? within("speech", speech.invalidSetting())
            ?? within("sync", sync.invalidSetting()) ?? within("metrics", metrics.invalidSetting()) {
            return problem
        }
        // Files last: a value the file gets wrong is reported the same on every machine.
        if let problem = missingModel() { return problem }
        if !segmentation.personNetwork.isEmpty && !FileManager.default.fileExists(atPath: segmentation.personNetwork) {
            return invalid("segmentation.personNetwork", "names \(segmentation.personNetwork), which does not exist: "
                + "run scripts/fetch-test-data.sh, or set it to \"\" to use grabCut alone")
        }
        return nil
    }

    /// A face model that is not there: the 68-point model always (every face check needs it),
    /// the identity models and the CNN face detector when the file names other paths than the
    /// defaults (`kiosk doctor` checks the defaults).
    private func missingModel() -> InvalidSetting? {
        let standard = FaceModels.standard
        let models = [("landmarks68", faces.models.landmarks68, true),
                      ("landmarks5", faces.models.landmarks5, faces.models.landmarks5 != standard.landmarks5),
                      ("descriptor", faces.models.descriptor, faces.models.descriptor != standard.descriptor),
                      ("cnnDetector", faces.models.cnnDetector, faces.models.cnnDetector != standard.cnnDetector)]
        for (key, url, required) in models where required {
            guard url.isFileURL || url.scheme == nil else {
                return InvalidSetting(keyPath: "faces.models.\(key)", reason: "is \(url); it must be the path of a file")
            }
            if !FileManager.default.fileExists(atPath: url.path) {
                return InvalidSetting(keyPath: "faces.models.\(key)", reason: "names \(url.path), which does not exist: "
                    + "give the path of the model file (run `kiosk doctor` to see where the models are)")
            }
        }
        return nil
    }

    /// The standardiser for `spec` (the photo section's by default) with the person network.
    public func standardizer(spec: PhotoSpec? = nil) throws(SegmentationError) -> Standardizer {
        Standardizer(spec: spec ?? photo, network: try segmentation.network())
    }

    /// The live loop's options from the screen, photo, segmentation, checks and plate sections.
    public func liveOptions() throws(SegmentationError) -> LiveSession.Options {
        LiveSession.Options(mirrored: screen.mirror, guideShape: screen.guide, language: screen.languageChoice, spec: photo,
                            network: try segmentation.network(), limits: checks, plate: plate)
    }
}
