import ImageKit

/// One search of an image (a camera frame or a finished photo) down to a people rule's
/// marginal score: what the checks need from the detector, the faces it is sure of with their
/// landmarks (the person) and every face it found (the people in view), from a single scan.
public struct FaceScan: Sendable, Hashable {
    /// Every face found down to the rule's marginal score, most confident first; none is
    /// confirmed yet (`FaceDetector.people(in:scan:rule:main:)` asks the CNN).
    public var boxes: [FaceBox]
    /// The faces at or above the detector's own threshold with their landmarks, most confident
    /// first: what `FaceDetector.detect(in:)` gives for the same frame.
    public var sure: [DetectedFace]

    public init(boxes: [FaceBox], sure: [DetectedFace]) {
        self.boxes = boxes
        self.sure = sure
    }
}

extension FaceDetector {
    /// Searches `frame` once down to `rule.marginalScore`. The faces at the detector's own
    /// threshold are the same as `detect(in:)` finds: dlib keeps a box unless a surer one
    /// overlaps it, so the extra, less sure candidates of the deeper search remove none of them.
    /// The checks take the person from `sure` and count people from `boxes`, where two searches
    /// (one at the threshold, one deeper) cost a second scan of the image.
    public func scan(_ frame: RGBImage, rule: PeopleRule) throws(FaceError) -> FaceScan {
        let boxes = try marginalBoxes(in: frame, rule: rule)
        let sure = try boxes.filter { $0.score >= options.thresholdAdjustment }.map { face throws(FaceError) in
            DetectedFace(box: face.rect, landmarks: try landmarks(in: frame, box: face.rect), score: face.score)
        }
        return FaceScan(boxes: boxes, sure: sure)
    }

    /// The faces in `frame` as `rule` counts people: the search runs down to
    /// `rule.marginalScore`, and each face there that would count as another person if the
    /// detector were surer of it is shown to dlib's CNN face detector (`CNNFaceDetector`), which
    /// marks it `confirmed` when it sees a face too. `main` is the person's face (any box on it);
    /// nil: the person `rule` picks among the faces found. The checks of a camera frame or a
    /// finished photo and the live guidance's look at the full frame all count people from here.
    ///
    /// The CNN looks at a small crop around each such face (a few hundred milliseconds on the
    /// station's cores); on a frame with one person there is usually none to ask.
    public func people(in frame: RGBImage, rule: PeopleRule, main: PixelRect? = nil) throws(FaceError) -> [FaceBox] {
        try people(in: frame, scan: try marginalBoxes(in: frame, rule: rule), rule: rule, main: main)
    }

    /// The detector's search with its threshold lowered to `rule.marginalScore`.
    private func marginalBoxes(in frame: RGBImage, rule: PeopleRule) throws(FaceError) -> [FaceBox] {
        var search = options
        search.thresholdAdjustment = min(options.thresholdAdjustment, rule.marginalScore)
        return try faceBoxes(in: frame, options: search)
    }

    /// `people(in:rule:main:)` on the faces of a search already made down to
    /// `rule.marginalScore` (`scan(_:rule:).boxes`).
    public func people(in frame: RGBImage, scan faces: [FaceBox], rule: PeopleRule,
                       main: PixelRect? = nil) throws(FaceError) -> [FaceBox] {
        var faces = faces
        guard let person = main ?? rule.people(faces).main.map({ faces[$0].rect }) else { return faces }
        let unsure = rule.unsure(faces, main: person)
        guard !unsure.isEmpty else { return faces }
        let cnn = try secondOpinion()
        for index in unsure {
            faces[index].confirmed = try cnn.confirms(faces[index].rect, in: frame)
        }
        return faces
    }
}
