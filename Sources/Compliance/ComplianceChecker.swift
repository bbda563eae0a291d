import FaceKit
import Foundation
import ImageKit
import PhotoStandard

/// Why a photo could not be checked at all.
public enum ComplianceError: Error, CustomStringConvertible, Sendable {
    case unreadable(String)
    case face(FaceError)

    public var description: String {
        switch self {
        case let .unreadable(message): message
        case let .face(error): "face detection failed: \(error)"
        }
    }
}

/// Runs every check and collects one `ComplianceReport`.
///
/// Three entry points: `frameChecks` for each analysed camera frame (face, pose, light,
/// focus, people, framing, clothing: cheap), `check(photo:…)` for a finished JPEG (all of
/// the above on the photo plus the file clauses, background, stray objects, geometry) and,
/// when the camera frame it came from is at hand, the backdrop and framing of that frame.
public struct ComplianceChecker: Sendable {
    public var spec: PhotoSpec
    public var limits: ComplianceLimits

    public init(spec: PhotoSpec = .diplomaBlue, limits: ComplianceLimits = .standard) {
        self.spec = spec
        self.limits = limits
    }

    var faceChecks: FaceChecks { FaceChecks(limits: limits) }
    var sceneChecks: SceneChecks { SceneChecks(spec: spec, limits: limits) }
    var photoChecks: PhotoChecks { PhotoChecks(spec: spec, limits: limits) }

    /// The person the photo is of: the largest face the detector is sure of, else the
    /// surest face.
    public func mainFace(_ faces: [DetectedFace]) -> DetectedFace? {
        faces.filter { $0.score >= limits.minimumFaceScore }.max { $0.box.width < $1.box.width }
            ?? faces.max { $0.score < $1.score }
    }

    /// The per-frame subset on a (reduced) camera frame whose faces are already known:
    /// `landmarks` of the main face, `faces` every detected face (including the main one).
    public func frameChecks(_ frame: RGBImage, landmarks: FaceLandmarks, faces: [FaceBox]) -> [CheckResult] {
        var results = [sceneChecks.oneFace(faces, main: landmarks.boundingBox),
                       sceneChecks.framing(landmarks, frame: frame.size)]
        results += faceChecks.check(frame, landmarks: landmarks)?.results ?? []
        if let clothing = sceneChecks.clothing(frame, landmarks: landmarks) { results.append(clothing) }
        return results
    }

    /// Every check on a finished photo (`jpeg`, as it will be uploaded) and, when given, the
    /// camera frame it was cut from.
    public func check(photo jpeg: [UInt8], detector: FaceDetector, source: RGBImage? = nil) throws(ComplianceError)
        -> ComplianceReport {
        let photo: RGBImage
        var results: [CheckResult]
        do {
            let info = try JPEG.info(jpeg)
            photo = try JPEG.decode(jpeg)
            results = photoChecks.file(info, bytes: jpeg.count)
        } catch .notJPEG {
            // Another image format (PNG): the pixels can still be checked, the file cannot pass.
            do { photo = try ImageFile.decode(Data(jpeg)) } catch { throw .unreadable("\(error)") }
            results = photoChecks.notJPEG(photo.size, bytes: jpeg.count)
        } catch {
            throw .unreadable("\(error)")
        }
        results.append(photoChecks.backgroundColour(photo))
        let faces: [DetectedFace]
        do { faces = try detector.detect(in: photo) } catch { throw .face(error) }
        let main = mainFace(faces)
        results.append(sceneChecks.oneFace(faces.map(\.faceBox), main: main?.box))
        if let main {
            results += photoResults(photo, landmarks: main.landmarks)
        }
        let report = ComplianceReport(spec: spec.name, results: results + PhotoChecks.notChecked)
        // People and framing count from the source when there is one: the crop may have
        // cut a second person away.
        guard let source else { return report }
        return report.merging(try sourceResults(source, detector: detector))
    }

    /// The report for a photo the standardiser just made from `source` with `landmarks`:
    /// no detection on the photo is needed, the landmarks moved with the crop.
    public func check(_ standard: StandardPhoto, source: RGBImage, landmarks: FaceLandmarks,
                      faces: [FaceBox]) -> ComplianceReport {
        var results: [CheckResult] = []
        if let info = try? JPEG.info(standard.jpeg) { results += photoChecks.file(info, bytes: standard.jpeg.count) }
        results.append(photoChecks.backgroundColour(standard.image))
        results.append(sceneChecks.oneFace(faces, main: landmarks.boundingBox))
        results += photoResults(standard.image, landmarks: standard.landmarks)
        return ComplianceReport(spec: spec.name, results: results + PhotoChecks.notChecked)
            .merging(sourceResults(source, landmarks: landmarks))
    }

    private func photoResults(_ photo: RGBImage, landmarks: FaceLandmarks) -> [CheckResult] {
        var results = faceChecks.check(photo, landmarks: landmarks)?.results ?? []
        results += photoChecks.geometry(photo, landmarks: landmarks)
        results.append(photoChecks.strayObjects(photo, landmarks: landmarks))
        if let clothing = sceneChecks.clothing(photo, landmarks: landmarks) { results.append(clothing) }
        return results
    }

    private func sourceResults(_ source: RGBImage, detector: FaceDetector) throws(ComplianceError) -> [CheckResult] {
        let faces: [DetectedFace]
        do { faces = try detector.detect(in: source) } catch { throw .face(error) }
        guard let main = mainFace(faces) else {
            return [CheckResult(id: .framing, clause: "face size and position allow the crop", value: nil, unit: "",
                                limit: "", verdict: .fail, hint: Hint(FramingProblem.noFace.chinese, FramingProblem.noFace.english),
                                detail: "no face in the source frame")]
        }
        // People in the frame count only from the source, where the photo's crop has not
        // cut them away.
        return [sceneChecks.oneFace(faces.map(\.faceBox), main: main.box)] + sourceResults(source, landmarks: main.landmarks)
    }

    private func sourceResults(_ source: RGBImage, landmarks: FaceLandmarks) -> [CheckResult] {
        guard let person = try? PersonSegmenter().segment(source, landmarks: landmarks) else {
            return [sceneChecks.framing(landmarks, frame: source.size)]
        }
        let face = FaceGeometry(landmarks)
        let edges = (left: person.window.x > 0 || !touches(person.mask, column: 0),
                     right: person.window.maxX < source.width || !touches(person.mask, column: person.mask.width - 1))
        return [sceneChecks.framing(landmarks, frame: source.size, headTop: person.headTop(face), edgesClear: edges)]
            + sceneChecks.backdrop(source, person: person)
    }

    private func touches(_ mask: GrayImage, column x: Int) -> Bool {
        (0..<mask.height).contains { mask[x, $0] != 0 }
    }
}

extension DetectedFace {
    var faceBox: FaceBox { FaceBox(rect: box, score: score) }
}
