import ImageKit

/// Which face is the person photographed and which other faces count as people in view: the
/// one rule the standardiser, the checks and the live guidance all apply.
///
/// The person is the largest face the detector is sure of (`minimumScore`), else the surest
/// face. Another face counts as a second person when it is at least `otherFaceRatio` of the
/// person's width (smaller ones sit too far back to be in the photo) and the detector is sure
/// of it, or, scored from `marginalScore` up, dlib's CNN face detector confirms it
/// (`FaceBox.confirmed`, asked by `FaceDetector.people(in:rule:main:)`): a face half hidden
/// behind the student's shoulder scores below the badges and folds the HOG detector also
/// finds, and the CNN tells them apart. The numbers are the checks' settings
/// (`ComplianceLimits.minimumFaceScore`, `marginalFaceScore` and `otherFaceMinimumRatio`,
/// which the station configures); the defaults are theirs. Used by `FaceTracker`, the
/// standardiser's callers (`Standardizer.mainFace`), the checks and the live analysis.
public struct PeopleRule: Hashable, Sendable {
    public var minimumScore: Double
    public var otherFaceRatio: Double
    public var marginalScore: Double

    public init(minimumScore: Double = 0.3, otherFaceRatio: Double = 0.3, marginalScore: Double = -0.4) {
        self.minimumScore = minimumScore
        self.otherFaceRatio = otherFaceRatio
        self.marginalScore = marginalScore
    }

    /// Who is in view: the index of the person in `faces` (nil: nobody) and of the other
    /// faces that count as people.
    public func people(_ faces: [FaceBox]) -> (main: Int?, others: [Int]) {
        let sure = faces.indices.filter { faces[$0].score >= minimumScore }
        guard let main = sure.max(by: { faces[$0].rect.width < faces[$1].rect.width })
            ?? faces.indices.max(by: { faces[$0].score < faces[$1].score }) else { return (nil, []) }
        return (main, others(faces, main: faces[main].rect))
    }

    /// The faces other than the person at `main` that count as people. The person's own
    /// detection is the face that overlaps `main` most, so `main` may be any rectangle on the
    /// person's face (the detector's box or the landmarks' bounding box).
    public func others(_ faces: [FaceBox], main: PixelRect) -> [Int] {
        let own = faces.indices.max { faces[$0].rect.overlap(with: main) < faces[$1].rect.overlap(with: main) }
            .flatMap { faces[$0].rect.overlap(with: main) > 0 ? $0 : nil }
        return faces.indices.filter {
            $0 != own && (faces[$0].score >= minimumScore || faces[$0].confirmed && faces[$0].score >= marginalScore)
                && Double(faces[$0].rect.width) >= otherFaceRatio * Double(main.width)
        }
    }

    /// The faces other than the person at `main` that would count as people if the CNN
    /// confirmed them: large enough, scored from `marginalScore` up to `minimumScore`.
    public func unsure(_ faces: [FaceBox], main: PixelRect) -> [Int] {
        let asking = PeopleRule(minimumScore: marginalScore, otherFaceRatio: otherFaceRatio, marginalScore: marginalScore)
        return asking.others(faces, main: main).filter { faces[$0].score < minimumScore && !faces[$0].confirmed }
    }

    /// How many people are in view: 0 without a person, else 1 and the others that count.
    public func count(_ faces: [FaceBox], main: PixelRect?) -> Int {
        main.map { 1 + others(faces, main: $0).count } ?? 0
    }
}
