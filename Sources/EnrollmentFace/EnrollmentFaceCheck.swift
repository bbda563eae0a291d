import FaceKit
import IdentityCheck
import ImageKit

/// The identity check on the spot: the captured face's descriptor (dlib's ResNet, FaceKit's
/// `FaceEncoder`) against the enrollment photo's, judged by FaceKit's one rule
/// (`FaceDescriptor.compared`, dlib's published threshold 0.6).
///
/// Which face in a picture is the person is the caller's rule (the one the capture already
/// applied); this takes the face's box. A missing face or enrollment gives a result that
/// says so, never an error: the station goes on and the operator decides.
public struct EnrollmentFaceCheck: Sendable {
    private let encoder: FaceEncoder
    public let threshold: Double

    /// Loads the descriptor network and the 5-point model; throws `FaceError.missingModel`
    /// when they are not installed (the station then stores `couldNotCompare(.modelsMissing)`).
    public init(models: FaceModels = .standard, threshold: Double = FaceComparison.sameFaceThreshold) throws(FaceError) {
        encoder = try FaceEncoder(models: models)
        self.threshold = threshold
    }

    /// The descriptor of the face in `box` of an enrollment photo, to keep with the roster
    /// (`StationStore.setEnrollmentDescriptor(_:for:)` takes its `values`).
    public func descriptor(of photo: RGBImage, face box: PixelRect) throws(FaceError) -> FaceDescriptor {
        try encoder.descriptor(of: photo, faceBox: box)
    }

    /// Compares the captured face (its box in `captured`; nil when none was found) with the
    /// enrollment descriptor (nil when the roster has none).
    public func check(captured: RGBImage, face box: PixelRect?, enrollment: FaceDescriptor?) -> IdentityCheckResult {
        guard let enrollment else { return .couldNotCompare(.noEnrollmentFace) }
        guard let box else { return .couldNotCompare(.noFaceInCapture) }
        do {
            let comparison = try encoder.descriptor(of: captured, faceBox: box).compared(to: enrollment, threshold: threshold)
            return .compared(distance: comparison.distance, threshold: comparison.threshold, samePerson: comparison.isSamePerson)
        } catch {
            return .couldNotCompare(.noFaceInCapture)
        }
    }
}
