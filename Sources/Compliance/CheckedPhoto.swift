import FaceKit
import ImageKit
import PhotoStandard

extension ComplianceChecker {
    /// The whole path for a picture: find the person (the one rule), make the standard photo
    /// with `standardizer`, and check it together with the picture it came from. `kiosk
    /// standardize`, `kiosk demo` and the live station's capture all go through here, and the
    /// report is the one `check(photo:detector:source:)` gives, so `kiosk check PHOTO --source
    /// FRAME --json` on the saved files repeats it byte for byte (with `--backdrop-reference`
    /// the report's value when a plate was used: the plate calibrates the exposure limits,
    /// `atStation(plate:landmarks:scale:)`).
    ///
    /// The frame's own results (people, framing, backdrop: a grabCut of the frame) need no
    /// photo, so they are made on another thread while the person network and the matte make
    /// the photo: on the station's two cores that takes them off the wait for the review.
    ///
    /// Throws `StandardizeError.framing` when the picture holds no usable person (no face,
    /// several people) or cannot give the spec's crop, another `StandardizeError` when no
    /// photo can be made, and `ComplianceError` or the detector's error when the models fail.
    public func standardizeAndCheck(_ image: RGBImage, plate: RGBImage? = nil, detector: FaceDetector,
                                    standardizer: Standardizer) throws -> (photo: StandardPhoto, report: ComplianceReport) {
        let scan = try detector.scan(image, rule: people)
        let face = try people.person(scan.sure).mapError(StandardizeError.framing).get()
        // A plate of another size is refused by the standardiser below.
        let station = atStation(plate: plate, frame: image.size, landmarks: face.landmarks)
        let sourcePart = Beside { Result { () throws(FaceError) in try station.sourceResults(image, scan: scan, detector: detector) } }
        let photo = try standardizer.standardize(image, landmarks: face.landmarks, plate: plate)
        let report = try station.check(photo: photo.jpeg, detector: detector, source: image, sourceScan: scan) {
            _, _ throws(FaceError) in try sourcePart.value.get()
        }
        return (photo, report)
    }
}
