import ImageKit

extension FaceDetector {
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
        var search = options
        search.thresholdAdjustment = min(options.thresholdAdjustment, rule.marginalScore)
        var faces = try faceBoxes(in: frame, options: search)
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
