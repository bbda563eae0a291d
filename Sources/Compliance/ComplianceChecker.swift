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
/// Two entry points: `frameCheck` for each analysed camera frame (face, pose, light, focus,
/// people, framing, clothing: cheap), and `check(photo:…)` for a finished JPEG (all of the
/// above on the photo plus the file clauses, background, stray objects, geometry) and, when
/// the camera frame it came from is at hand, the people, backdrop and framing of that frame.
public struct ComplianceChecker: Sendable {
    public var spec: PhotoSpec
    public var limits: ComplianceLimits
    /// What the station's empty backdrop read (the scene's reference L*) when these checks are
    /// a station's that has recorded it (`atStation`): `limits` are then calibrated to it, and
    /// every report says so. Nil: the defaults' standard light panel.
    public private(set) var backdropReference: Double?

    public init(spec: PhotoSpec = .diplomaBlue, limits: ComplianceLimits = .standard) {
        self.spec = spec
        self.limits = limits
    }

    /// These checks at a station whose empty backdrop reads `reference` under its own light
    /// (`backdropReference(_:landmarks:scale:)` of its plate): the exposure rule's scene limits
    /// come from it (`ComplianceLimits.calibrated(backdropReference:)`). Nil leaves them.
    public func atStation(backdropReference reference: Double?) -> ComplianceChecker {
        guard let reference else { return self }
        var out = self
        out.limits = limits.calibrated(backdropReference: reference)
        out.backdropReference = reference
        return out
    }

    /// These checks at the station whose clean plate is `plate` (a frame of its empty backdrop)
    /// for the face at `landmarks` in a picture of size `frame` (`scale` maps its pixels to the
    /// full camera frame): the one rule by which the live analysis, the capture, `kiosk
    /// standardize --plate`, `kiosk check --plate` and the evaluations turn a plate into limits.
    /// Without a plate, with one of another size than the picture (not of this camera setting),
    /// or when it shows no reference, these checks as they are.
    public func atStation(plate: RGBImage?, frame: PixelSize, landmarks: FaceLandmarks, scale: Double = 1) -> ComplianceChecker {
        guard let plate, plate.size == frame else { return self }
        return atStation(backdropReference: backdropReference(plate, landmarks: landmarks, scale: scale))
    }

    var faceChecks: FaceChecks { FaceChecks(limits: limits) }
    var sceneChecks: SceneChecks { SceneChecks(spec: spec, limits: limits) }
    var photoChecks: PhotoChecks { PhotoChecks(spec: spec, limits: limits) }

    /// Who is the person and which other faces count, with these limits' numbers: the one
    /// rule of the checks, the standardiser's callers and the live analysis.
    public var people: PeopleRule { sceneChecks.people }

    /// The person the photo is of, by `people`.
    public func mainFace(_ faces: [DetectedFace]) -> DetectedFace? {
        people.people(faces.map(\.faceBox)).main.map { faces[$0] }
    }

    /// The per-frame subset on a camera frame, or a reduced copy of one, whose faces are
    /// already known: `landmarks` of the main face, `faces` every detected face (including the
    /// main one), both in `frame`'s pixels; `scale` maps them to the full camera frame, whose
    /// size the framing is judged on. The face figures come with the results, for the guidance
    /// to show and judge (nil when the face lies outside the frame).
    ///
    /// When the spec crop is possible the face is measured on that crop of `frame`, shaped and
    /// placed as the photo will be (the head pose is fitted with the image's size as focal
    /// length and the face's nose as centre, so the photo's own geometry gives the photo's
    /// angles): the figures predict the finished photo's.
    public func frameCheck(_ frame: RGBImage, landmarks: FaceLandmarks, faces: [FaceBox], scale: Double = 1)
        -> (figures: FaceFigures?, results: [CheckResult]) {
        let full = frame.size.scaled(by: scale)
        var results = [sceneChecks.oneFace(faces, main: landmarks.boundingBox),
                       sceneChecks.framing(landmarks.transformed(scale: scale), frame: full)]
        let view = photoView(frame, landmarks: landmarks, scale: scale)
        let face = faceChecks.check(view.image, landmarks: view.landmarks,
                                    sceneLightness: sceneChecks.sceneLightness(view.image, landmarks: view.landmarks))
        results += face?.results ?? []
        if let clothing = sceneChecks.clothing(frame, landmarks: landmarks) { results.append(clothing) }
        return (face?.figures, results)
    }

    /// What the photo will show of `frame`: when the spec crop is possible, the photo's
    /// region of `frame` at the photo's size with the landmarks moved along, else the frame
    /// itself. The face measures scale the face to a 128-px width (FaceSample), and a face of
    /// 180-300 px in the photo is reduced to it, never enlarged (at half size it was, and read
    /// soft); the scene's reference lightness is taken over what the photo shows.
    func photoView(_ frame: RGBImage, landmarks: FaceLandmarks, scale: Double = 1) -> (image: RGBImage, landmarks: FaceLandmarks) {
        let full = frame.size.scaled(by: scale)
        guard case let .success(crop) = CropSolver(spec: spec).plan(landmarks.transformed(scale: scale), frame: full) else {
            return (frame, landmarks)
        }
        let r = crop.sourceRegion(spec)
        let region = PixelRect(x: Int((r.x / scale).rounded()), y: Int((r.y / scale).rounded()),
                               width: max(1, Int((r.width / scale).rounded())), height: max(1, Int((r.height / scale).rounded())))
        let size = PixelSize(width: spec.width, height: spec.height)
        let k = Double(size.width) / Double(region.width)
        return (Resampler.resample(frame, region: region, to: size),
                landmarks.transformed(scale: k, offset: Point2D(x: -Double(region.x) * k, y: -Double(region.y) * k)))
    }

    /// The scene's reference lightness (`SceneChecks.sceneLightness`) of the station's empty
    /// backdrop, `plate` (a frame of the same camera and light without the person), over what
    /// the photo of the face at `landmarks` would show: what `frameCheck`'s reference reads
    /// when the light is as it was at set-up. `ComplianceLimits.calibrated(backdropReference:)`
    /// makes the exposure rule's scene limit from it.
    public func backdropReference(_ plate: RGBImage, landmarks: FaceLandmarks, scale: Double = 1) -> Double? {
        let view = photoView(plate, landmarks: landmarks, scale: scale)
        return sceneChecks.sceneLightness(view.image, landmarks: view.landmarks)
    }

    /// The results of `frameCheck` alone.
    public func frameChecks(_ frame: RGBImage, landmarks: FaceLandmarks, faces: [FaceBox], scale: Double = 1) -> [CheckResult] {
        frameCheck(frame, landmarks: landmarks, faces: faces, scale: scale).results
    }

    /// Every check on a finished photo (`jpeg`, as it will be uploaded) and, when given, the
    /// camera frame it was cut from: the one report of `kiosk check`, `kiosk standardize` and
    /// the live station's review. `sourceScan`, when the caller has already run
    /// `detector.scan(source, rule: people)`, saves running it again (the search is
    /// deterministic, so the report is the same).
    public func check(photo jpeg: [UInt8], detector: FaceDetector, source: RGBImage? = nil,
                      sourceScan: FaceScan? = nil) throws(ComplianceError) -> ComplianceReport {
        try check(photo: jpeg, detector: detector, source: source, sourceScan: sourceScan) { source, scan throws(FaceError) in
            try sourceResults(source, scan: scan, detector: detector)
        }
    }

    /// `check(photo:…)` with the source frame's own results (`sourceResults(_:scan:)`, which
    /// need only the frame and its search) from `sourcePart`, so that a caller holding the frame
    /// before the photo exists can have them made beside the standardisation.
    func check(photo jpeg: [UInt8], detector: FaceDetector, source: RGBImage?, sourceScan: FaceScan?,
               sourcePart: (RGBImage, FaceScan) throws(FaceError) -> [CheckResult]) throws(ComplianceError) -> ComplianceReport {
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
        // One search gives the photo's person and, when no source frame shows the person, its people.
        let photoScan: FaceScan
        do { photoScan = try detector.scan(photo, rule: people) } catch { throw .face(error) }
        let main = mainFace(photoScan.sure)
        var found: FaceScan?
        if let source {
            if let sourceScan {
                found = sourceScan
            } else {
                do { found = try detector.scan(source, rule: people) } catch { throw .face(error) }
            }
        }
        let person = found.flatMap { mainFace($0.sure) }
        // When the source shows the person, its people count replaces the photo's (below), so
        // the photo's people are counted (the CNN asked about its unsure faces) only without one.
        if person == nil {
            do {
                let inView = try detector.people(in: photo, scan: photoScan.boxes, rule: people, main: main?.box)
                results.append(sceneChecks.oneFace(inView, main: main?.box))
            } catch { throw .face(error) }
        }
        if let main {
            // The exposure's reference is the scene the face was lit in: the source frame's,
            // over what the photo shows of it. A finished photo alone has the spec's background
            // colour around the head, which says nothing of the light (the light blue reads
            // L* 76, a dim scene by the panel's limit, and failed every darker skin), so
            // without the frame only the skin's own limits judge.
            let scene = person.flatMap { person in
                let view = photoView(source!, landmarks: person.landmarks)
                return sceneChecks.sceneLightness(view.image, landmarks: view.landmarks)
            }
            results += photoResults(photo, landmarks: main.landmarks, sceneLightness: scene)
        }
        let report = ComplianceReport(spec: spec.name, results: results + PhotoChecks.notChecked,
                                      backdropReference: backdropReference)
        // People and framing count from the source when there is one: the crop may have
        // cut a second person away.
        guard let source, let found else { return report }
        do { return report.merging(try sourcePart(source, found)) } catch { throw .face(error) }
    }

    private func photoResults(_ photo: RGBImage, landmarks: FaceLandmarks, sceneLightness: Double?) -> [CheckResult] {
        var results = faceChecks.check(photo, landmarks: landmarks, sceneLightness: sceneLightness)?.results ?? []
        results += photoChecks.geometry(photo, landmarks: landmarks)
        results.append(photoChecks.strayObjects(photo, landmarks: landmarks))
        if let clothing = sceneChecks.clothing(photo, landmarks: landmarks) { results.append(clothing) }
        return results
    }

    /// The results only the camera frame can give (people, framing, backdrop): they count from
    /// the source, where the photo's crop has not cut anyone away. `scan` is the detector's
    /// search of it (`FaceDetector.scan(_:rule:)`); the people are counted by
    /// `detector.people(in:scan:rule:main:)`.
    func sourceResults(_ source: RGBImage, scan: FaceScan, detector: FaceDetector) throws(FaceError) -> [CheckResult] {
        guard let main = mainFace(scan.sure) else {
            return [CheckResult(id: .framing, clause: "face size and position allow the crop", value: nil, unit: "",
                                limit: "", verdict: .fail, hint: Hint(FramingProblem.noFace.chinese, FramingProblem.noFace.english),
                                detail: "no face in the source frame")]
        }
        return [sceneChecks.oneFace(try detector.people(in: source, scan: scan.boxes, rule: people, main: main.box), main: main.box)]
            + sceneResults(source, landmarks: main.landmarks)
    }

    /// The results of the camera frame `source` that come from the person's mask (a grabCut
    /// of the frame around the face with `landmarks`, in the frame's pixels): the framing with
    /// the top of the hair and the frame's edges, and the backdrop behind the person. The
    /// capture's report and the live guidance's look at the full frame when a countdown begins
    /// (`FrameAnalyzer.fullFrameLook`) both come from here.
    public func sceneResults(_ source: RGBImage, landmarks: FaceLandmarks) -> [CheckResult] {
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
