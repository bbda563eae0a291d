import FaceKit
import LiveStation

/// The face models and the person network, each loaded as the station loads it (a file
/// that is there but damaged or of the wrong kind fails here, not in front of a student).
public enum FaceModelCheck {
    public static func run(_ settings: StationConfiguration) -> [Finding] {
        let models = settings.faces.models
        var findings: [Finding] = []
        do {
            _ = try FaceDetector(models: models, options: settings.faces.detection)
            findings.append(.ok("face-landmarks", "face landmark model \(models.landmarks68.path): loads"))
        } catch {
            findings.append(Finding(id: "face-landmarks", level: .failure,
                                    what: "face landmark model \(models.landmarks68.path): does not load",
                                    fix: fix(error, key: "faces.models.landmarks68", package: "`sudo apt-get install libdlib-data`")))
        }
        do {
            _ = try FaceEncoder(models: models)
            findings.append(.ok("face-identity", "face identity models \(models.descriptor.lastPathComponent), "
                + "\(models.landmarks5.lastPathComponent): load"))
        } catch {
            findings.append(Finding(id: "face-identity", level: .warning,
                                    what: "face identity models (\(models.descriptor.path)): do not load; "
                                        + "the station cannot compare a face with the enrollment photo",
                                    fix: fix(error, key: "faces.models.descriptor",
                                             package: "scripts/fetch-test-data.sh and scripts/setup.sh")))
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
