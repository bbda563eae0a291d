import Capture
import Compliance
import FaceKit
import Foundation
import Guidance
import ImageKit
import KioskConfiguration
import PhotoStandard
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
        public var personNetwork = PersonNetwork.defaultFile(models: FaceModels.standard.descriptor.deletingLastPathComponent()).path

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

    public struct Storage: Codable, Sendable, Hashable {
        /// The folder accepted photos are written to.
        public var output = "photos"

        public init() {}
    }

    public var camera = Camera()
    /// The photo standard; `PhotoSpec.diplomaWhite` is the white-background variant
    /// (kiosk-config/station-white-background.json5).
    public var photo = PhotoSpec.diplomaBlue
    public var checks = ComplianceLimits.standard
    public var faces = Faces()
    public var segmentation = Segmentation()
    public var screen = Screen()
    public var storage = Storage()
    /// When the station takes its clean plate of the empty backdrop and when it drops it.
    public var plate = PlateSettings()

    public init() {}

    /// The defaults.
    public static let standard = StationConfiguration()

    /// The file at `path` over the defaults; the defaults when `path` is nil.
    public static func load(from path: String?) throws(ConfigurationError) -> StationConfiguration {
        guard let path else { return .standard }
        let configuration = try ConfigurationFile.load(from: URL(fileURLWithPath: path), defaults: .standard,
                                                       optionalKeys: optionalKeys)
        try configuration.validate(file: path)
        return configuration
    }

    /// JSON5 text (as JSON) over the defaults, `file` naming it in errors.
    public static func decode(_ text: String, file: String) throws(ConfigurationError) -> StationConfiguration {
        let configuration = try ConfigurationFile.decode(from: Data(text.utf8), file: file, defaults: .standard,
                                                         optionalKeys: optionalKeys)
        try configuration.validate(file: file)
        return configuration
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

    /// What the types cannot say: the words allowed in a text setting, and ranges.
    private func validate(file: String) throws(ConfigurationError) {
        func invalid(_ key: String, _ reason: String) -> ConfigurationError { .invalidValue(file: file, keyPath: key, reason: reason) }
        if screen.colors != "auto" && ColorMode(rawValue: screen.colors) == nil {
            throw invalid("screen.colors", "must be \"auto\", \"truecolor\", \"256\" or \"16\", not \"\(screen.colors)\"")
        }
        if LanguageChoice.Language(rawValue: screen.language) == nil {
            throw invalid("screen.language", "must be \"zh\" or \"en\", not \"\(screen.language)\"")
        }
        if camera.source != "auto" {
            do { _ = try SourceSpec(parsing: camera.source) } catch { throw invalid("camera.source", "is not usable: \(error)") }
        }
        if !(0...3).contains(faces.detection.upsampling) { throw invalid("faces.detection.upsampling", "must be 0, 1, 2 or 3") }
        if let size = faces.detection.minimumFaceSize, size < 1 {
            throw invalid("faces.detection.minimumFaceSize", "must be a positive number of pixels")
        }
        if storage.output.isEmpty { throw invalid("storage.output", "must name a folder") }
        if !segmentation.personNetwork.isEmpty && !FileManager.default.fileExists(atPath: segmentation.personNetwork) {
            throw invalid("segmentation.personNetwork", "names \(segmentation.personNetwork), which does not exist: "
                + "run scripts/fetch-test-data.sh, or set it to \"\" to use grabCut alone")
        }
        let positive: [(String, Double)] = [("stillSeconds", plate.stillSeconds), ("stillChange", plate.stillChange),
                                            ("lightChange", plate.lightChange), ("structureChange", plate.structureChange),
                                            ("displacement", plate.displacement)]
        for (key, value) in positive where !(value > 0) { throw invalid("plate.\(key)", "must be a positive number") }
        let shares: [(String, Double)] = [("topStrip", plate.topStrip), ("sideStrip", plate.sideStrip),
                                          ("sideStripBottom", plate.sideStripBottom)]
        for (key, value) in shares where !(value > 0 && value < 1) {
            throw invalid("plate.\(key)", "must be a share of the frame between 0 and 1")
        }
    }

    /// The standardiser for `spec` (the photo section's by default) with the person network.
    public func standardizer(spec: PhotoSpec? = nil) throws(SegmentationError) -> Standardizer {
        Standardizer(spec: spec ?? photo, network: try segmentation.network())
    }

    /// The live loop's options from the screen, photo, segmentation, checks, storage and plate sections.
    public func liveOptions() throws(SegmentationError) -> LiveSession.Options {
        LiveSession.Options(mirrored: screen.mirror, guideShape: screen.guide, language: screen.languageChoice,
                            outputFolder: URL(fileURLWithPath: storage.output), spec: photo,
                            network: try segmentation.network(), limits: checks, plate: plate)
    }
}
