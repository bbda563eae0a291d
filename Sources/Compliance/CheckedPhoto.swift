import FaceKit
import ImageKit
import PhotoStandard

extension ComplianceChecker {
    /// The whole path for a still picture: find the person, make the standard photo with
    /// `standardizer`, and check it together with the picture it came from.
    ///
    /// Throws `FramingProblem` when the picture holds no usable person, `StandardizeError`
    /// when no photo can be made from it, and the detector's error when its models fail.
    public func standardizeAndCheck(_ image: RGBImage, plate: RGBImage? = nil, detector: FaceDetector,
                                    standardizer: Standardizer) throws -> (photo: StandardPhoto, report: ComplianceReport) {
        let faces = try detector.detect(in: image)
        let face = try Standardizer.mainFace(faces).get()
        let photo = try standardizer.standardize(image, landmarks: face.landmarks, plate: plate)
        let report = check(photo, source: image, landmarks: face.landmarks,
                           faces: faces.map { FaceBox(rect: $0.box, score: $0.score) })
        return (photo, report)
    }
}
