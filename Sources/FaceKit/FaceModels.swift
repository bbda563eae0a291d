import DataCache
import Foundation

/// Where the dlib model files live. The paths are configuration: the defaults are Debian's
/// `libdlib-data` 68-point model and the data cache that `scripts/fetch-test-data.sh` fills.
public struct FaceModels: Sendable, Hashable, Codable {
    /// The 68-point shape predictor (iBUG 300-W landmarks).
    public var landmarks68: URL
    /// The 5-point shape predictor the descriptor network aligns faces with.
    public var landmarks5: URL
    /// The ResNet face descriptor network.
    public var descriptor: URL

    public init(landmarks68: URL, landmarks5: URL, descriptor: URL) {
        self.landmarks68 = landmarks68
        self.landmarks5 = landmarks5
        self.descriptor = descriptor
    }

    /// Debian's 68-point model and the ResNet + 5-point models in `cache`'s `models/`.
    public static func defaults(cache: DataCache = .standard) -> FaceModels {
        FaceModels(
            landmarks68: URL(fileURLWithPath: "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"),
            landmarks5: cache.models.appendingPathComponent("shape_predictor_5_face_landmarks.dat"),
            descriptor: cache.models.appendingPathComponent("dlib_face_recognition_resnet_model_v1.dat"))
    }

    /// The defaults for the standard data cache.
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
            ? "install it with `apt-get install libdlib-data`, or point FaceModels.landmarks68 at the copy "
                + "`scripts/fetch-test-data.sh` puts in the data cache's models/"
            : "run `scripts/fetch-test-data.sh` to fetch it"
        throw .missingModel(file: file, remedy: remedy)
    }
}
