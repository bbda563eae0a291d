import FaceKit
import LiveStation

/// The face models and the person network, each loaded as the station loads it (a file
/// that is there but damaged or of the wrong kind fails here, not in front of a student).
public enum FaceModelCheck {
    public static func run(_ settings: StationConfiguration) -> [Finding] {
        let models = settings.faces.models
        var findings: [Finding] = []
        /// One model file loaded as the station loads it: `loaded` names it when it loads,
        /// `failed` says what the station then cannot do.
        func check(_ id: String, level: Finding.Level, key: String, package: String, loaded: String, failed: String,
                   _ load: () throws(FaceError) -> Void) {
            do {
                try load()
                findings.append(.ok(id, loaded))
            } catch {
                findings.append(Finding(id: id, level: level, what: failed, fix: fix(error, key: key, package: package)))
            }
        }
        let fetched = "scripts/fetch-test-data.sh and scripts/setup.sh"
        check("face-landmarks", level: .failure, key: "faces.models.landmarks68", package: "`sudo apt-get install libdlib-data`",
              loaded: "face landmark model \(models.landmarks68.path): loads",
              failed: "face landmark model \(models.landmarks68.path): does not load") { () throws(FaceError) in
            _ = try FaceDetector(models: models, options: settings.faces.detection)
        }
        check("face-identity", level: .warning, key: "faces.models.descriptor", package: fetched,
              loaded: "face identity models \(models.descriptor.lastPathComponent), \(models.landmarks5.lastPathComponent): load",
              failed: "face identity models (\(models.descriptor.path)): do not load; "
                  + "the station cannot compare a face with the enrollment photo") { () throws(FaceError) in
            _ = try FaceEncoder(models: models)
        }
        check("face-second-opinion", level: .failure, key: "faces.models.cnnDetector", package: fetched,
              loaded: "CNN face detector \(models.cnnDetector.lastPathComponent): loads",
              failed: "CNN face detector (\(models.cnnDetector.path)): does not load; the checks cannot confirm a "
                  + "second face half hidden in view, and stop with an error when one is") { () throws(FaceError) in
            _ = try CNNFaceDetector(models: models)
        }
        let network = settings.segmentation.personNetwork
        if network.isEmpty {
            findings.append(Finding(id: "person-network", level: .warning,
                                    what: "person network: switched off (segmentation.personNetwork is \"\")",
                                    fix: "photos are cut out less well without it: set segmentation.personNetwork in the "
                                        + "settings file to the u2netp.onnx file (remove the line for the default)"))
        } else {
            do {
                _ = try settings.segmentation.network()
                findings.append(.ok("person-network", "person network \(network): loads"))
            } catch {
                findings.append(Finding(id: "person-network", level: .failure, what: "person network \(network): does not load",
                                        fix: "\(error.message). Put the u2netp.onnx file there again (scripts/fetch-test-data.sh "
                                            + "and scripts/setup.sh), or set segmentation.personNetwork in the settings file"))
            }
        }
        return findings
    }

    /// FaceKit's own remedy for a missing file; for a file that does not load, to replace it.
    private static func fix(_ error: FaceError, key: String, package: String) -> String {
        switch error {
        case let .missingModel(_, remedy): remedy
        default: "\(error): the file is damaged or not a model; put a good copy there again (\(package)), or set \(key) in the settings file"
        }
    }
}
