import Capture
import EnrollmentFace
import FaceKit
import LiveStation

/// What every station is made of, opened from its settings: the camera, the face models, the
/// live session's options (the person network among them) and the identity check. `kiosk run`
/// and `kiosk demo` build their stations from it.
struct StationParts {
    let camera: any FrameSource
    let detector: FaceDetector
    let options: LiveSession.Options
    /// Nil without the descriptor models: the identity check is then recorded as not made
    /// (`kiosk doctor` says why).
    let identityCheck: EnrollmentFaceCheck?

    /// Opens the parts in the order a station needs them; one that cannot start throws a
    /// `CommandFailure` naming it, with status 1, or `modelStatus` for the models.
    init(_ station: StationConfiguration, modelStatus: Int32 = 1) throws {
        let spec = try CommandFailure.naming("camera source") { try station.camera.sourceSpec() }
        camera = try CommandFailure.naming("camera") { try spec.open(mode: station.camera.mode, settings: station.camera.settings) }
        do {
            detector = try CommandFailure.naming("face models", status: modelStatus) {
                try FaceDetector(models: station.faces.models, options: station.faces.detection)
            }
            options = try CommandFailure.naming("person network", status: modelStatus) { try station.liveOptions() }
        } catch {
            camera.stop()
            throw error
        }
        identityCheck = try? EnrollmentFaceCheck(models: station.faces.models)
    }
}
