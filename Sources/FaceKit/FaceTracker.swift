import ImageKit

/// How `FaceTracker` follows a face from frame to frame.
public struct FaceTrackerOptions: Sendable, Hashable, Codable {
    /// Smallest face the full search looks for, in frame pixels. A size above dlib's 80-pixel
    /// window searches a copy reduced so that this size meets the window (120 → two-thirds).
    public var minimumFaceSize: Int
    /// A full search of the frame every this many frames, even while the face is tracked, so
    /// a tracker stuck on the wrong thing recovers and the other people in view are counted
    /// again.
    public var fullSearchInterval: Int
    /// The region searched around the last face: its box grown by this fraction of its
    /// size on every side.
    public var searchMargin: Double
    /// In the region search the last face is brought to this many pixels, just above
    /// dlib's 80-pixel window: as small (fast) as possible while a shrinking face stays
    /// findable.
    public var regionFaceSize: Int
    /// Scales searched in the region (dlib pyramid levels, each 5/6 of the last): 4 covers
    /// faces from 0.8 to 1.7 times the last size, far more than a face changes in one frame.
    public var regionPyramidLevels: Int
    /// The region searched stays where it is while the face found overlaps the box it was
    /// placed on by at least this much (intersection over union). dlib's box for one face
    /// changes with the crop and scale it is searched at: a region moved to every new box made
    /// a still face's box swing from 84 to 121 px and its landmarks with it (the roll by 4°),
    /// and stopped countdowns. Held across one step of dlib's pyramid (concentric boxes 5/6
    /// apart in size overlap 0.69), not two (0.48); at 0.6 a face has moved by a quarter of
    /// its width or grown by 29 %, still well inside the region and its scales.
    public var regionHold: Double

    public init(minimumFaceSize: Int = 120, fullSearchInterval: Int = 15, searchMargin: Double = 0.35,
                regionFaceSize: Int = 96, regionPyramidLevels: Int = 4, regionHold: Double = 0.6) {
        self.minimumFaceSize = minimumFaceSize
        self.fullSearchInterval = fullSearchInterval
        self.searchMargin = searchMargin
        self.regionFaceSize = regionFaceSize
        self.regionPyramidLevels = regionPyramidLevels
        self.regionHold = regionHold
    }
}

/// A face followed through a video.
public struct TrackedFace: Sendable, Hashable, Codable {
    /// How the face was found in this frame.
    public enum Source: String, Sendable, Hashable, Codable {
        /// A search of the whole (reduced) frame.
        case fullSearch
        /// A search of the region around the last face.
        case regionSearch
    }

    /// The detection box in frame pixels.
    public var box: PixelRect
    /// The 68 landmarks placed on `box`, unsmoothed: measures taken on them are the ones a
    /// detection of this frame alone gives.
    public var landmarks: FaceLandmarks
    public var score: Double
    public var source: Source
    /// The other faces that counted as people (`PeopleRule`) at the last full search.
    public var others: [FaceBox]
}

/// Follows the person (`PeopleRule`) through camera frames at a fraction of the cost of a
/// full detection per frame.
///
/// Per frame: search the region around the last face (reduced so the face is just above
/// dlib's window, few scales); fall back to a full search when the face is lost, and run
/// the full search every `fullSearchInterval` frames anyway, where the rule picks the person
/// and counts the others; place the 68 landmarks on the box found. The region stays put while
/// the face stays in it (`FaceTrackerOptions.regionHold`), and a full search takes its box
/// from a search of that region too, so a face that holds still keeps one box and one set of
/// landmarks from the first frame on. Not thread-safe: one tracker per video stream.
public final class FaceTracker {
    public let detector: FaceDetector
    public let options: FaceTrackerOptions
    public let people: PeopleRule
    /// The box the searched region is placed around.
    private var anchor: PixelRect?
    private var others: [FaceBox] = []
    private var framesSinceFullSearch = 0

    public init(detector: FaceDetector, options: FaceTrackerOptions = .init(), people: PeopleRule = PeopleRule()) {
        self.detector = detector
        self.options = options
        self.people = people
    }

    /// The person in `frame`, or nil when there is nobody.
    public func track(_ frame: RGBImage) throws(FaceError) -> TrackedFace? {
        var found: (box: FaceBox, source: TrackedFace.Source)?
        // The region searched on this frame already, which a second search would not change.
        var searched: PixelRect?
        framesSinceFullSearch += 1
        if let anchor, framesSinceFullSearch < options.fullSearchInterval {
            searched = anchor
            found = try searchRegion(around: anchor, in: frame).map { ($0, .regionSearch) }
        }
        if found == nil {
            framesSinceFullSearch = 0
            let boxes = try detector.faceBoxes(in: frame, options: FaceDetectionOptions(minimumFaceSize: options.minimumFaceSize))
            let chosen = people.people(boxes)
            others = chosen.others.map { boxes[$0] }
            found = chosen.main.map { (boxes[$0], .fullSearch) }
            if let main = found?.box.rect {
                hold(main)
                if let anchor, anchor != searched, let steady = try searchRegion(around: anchor, in: frame) {
                    found?.box = steady
                }
            }
        }
        guard let found else {
            reset()
            return nil
        }
        hold(found.box.rect)
        return TrackedFace(box: found.box.rect, landmarks: try detector.landmarks(in: frame, box: found.box.rect),
                           score: found.box.score, source: found.source, others: others)
    }

    /// Moves the searched region to `box` unless `box` still overlaps the one it is placed on
    /// by `FaceTrackerOptions.regionHold`.
    private func hold(_ box: PixelRect) {
        if anchor.map({ box.overlap(with: $0) < options.regionHold }) ?? true { anchor = box }
    }

    /// Forgets the face, so the next frame gets a full search.
    public func reset() {
        anchor = nil
        others = []
        framesSinceFullSearch = 0
    }

    /// dlib's search over the last box grown by the margin, reduced so the last face
    /// measures `regionFaceSize`, over a few scales only; the face that overlaps the last
    /// one most.
    private func searchRegion(around box: PixelRect, in frame: RGBImage) throws(FaceError) -> FaceBox? {
        let margin = options.searchMargin
        let region = PixelRect(x: box.x - Int(Double(box.width) * margin), y: box.y - Int(Double(box.height) * margin),
                               width: Int(Double(box.width) * (1 + 2 * margin)),
                               height: Int(Double(box.height) * (1 + 2 * margin))).intersection(frame.bounds)
        guard !region.isEmpty else { return nil }
        let scale = min(1, Double(options.regionFaceSize) / Double(max(box.width, box.height)))
        return try detector.boxes(inGray: frame.cropped(to: region).grayscale(), at: region, scale: scale,
                                  pyramidLevels: options.regionPyramidLevels, FaceDetectionOptions())
            .max { $0.rect.overlap(with: box) < $1.rect.overlap(with: box) }
    }
}

extension PixelRect {
    /// Intersection over union with `other` (0 when they do not meet, 1 when equal).
    public func overlap(with other: PixelRect) -> Double {
        let common = intersection(other)
        let shared = Double(common.width * common.height)
        let union = Double(width * height + other.width * other.height) - shared
        return union > 0 ? shared / union : 0
    }

    /// This rectangle scaled by `sx`, `sy` about the origin, then moved by the offset.
    func scaled(sx: Double, sy: Double, offsetX: Int = 0, offsetY: Int = 0) -> PixelRect {
        PixelRect(x: offsetX + Int((Double(x) * sx).rounded()), y: offsetY + Int((Double(y) * sy).rounded()),
                  width: Int((Double(width) * sx).rounded()), height: Int((Double(height) * sy).rounded()))
    }
}
