import ImageKit

/// How `FaceTracker` follows a face from frame to frame.
public struct FaceTrackerOptions: Sendable, Hashable, Codable {
    /// Smallest face the full search looks for, in frame pixels. The full search runs on a
    /// copy reduced so that this size meets dlib's 80-pixel window (120 → two-thirds size).
    public var minimumFaceSize: Int
    /// A full search of the frame every this many frames, even while the face is tracked,
    /// so a tracker stuck on the wrong thing recovers.
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
    /// Landmark smoothing, in pixels and seconds, tuned for a face about 200 pixels wide at
    /// 30 frames per second: jitter of a still face drops to about a third, a face moving
    /// 300 px/s lags by less than one frame's movement.
    public var smoothing: OneEuroFilter.Parameters
    /// A move of the eye midpoint by more than this fraction of the eye distance in one
    /// frame is taken as real movement and passed through unsmoothed (landmark jitter
    /// stays below a twentieth).
    public var jumpThreshold: Double

    public init(minimumFaceSize: Int = 120, fullSearchInterval: Int = 15, searchMargin: Double = 0.35,
                regionFaceSize: Int = 96, regionPyramidLevels: Int = 4,
                smoothing: OneEuroFilter.Parameters = .init(minimumCutoff: 1.0, speedCoefficient: 0.02),
                jumpThreshold: Double = 0.15) {
        self.minimumFaceSize = minimumFaceSize
        self.fullSearchInterval = fullSearchInterval
        self.searchMargin = searchMargin
        self.regionFaceSize = regionFaceSize
        self.regionPyramidLevels = regionPyramidLevels
        self.smoothing = smoothing
        self.jumpThreshold = jumpThreshold
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

    /// The detection box in frame pixels (unsmoothed).
    public var box: PixelRect
    /// Landmarks smoothed over time; use these for display and measures.
    public var landmarks: FaceLandmarks
    /// This frame's landmarks before smoothing.
    public var rawLandmarks: FaceLandmarks
    public var score: Double
    public var source: Source
}

/// Follows the largest face through camera frames at a fraction of the cost of a full
/// detection per frame.
///
/// Per frame: search the region around the last face (reduced so the face is just above
/// dlib's window, few scales); fall back to a full search of a reduced copy when the face
/// is lost, and run the full search every `fullSearchInterval` frames anyway; place the 68
/// landmarks at full resolution on the box found; smooth them with a 1€ filter. Not
/// thread-safe: one tracker per video stream.
public final class FaceTracker {
    public let detector: FaceDetector
    public let options: FaceTrackerOptions
    private var last: PixelRect?
    private var framesSinceFullSearch = 0
    private var filters: [OneEuroFilter]
    private var lastSmoothed: FaceLandmarks?

    public init(detector: FaceDetector, options: FaceTrackerOptions = .init()) {
        self.detector = detector
        self.options = options
        filters = Array(repeating: OneEuroFilter(options.smoothing), count: 2 * FaceLandmarks.count)
    }

    /// The face in `frame` taken at `time` (seconds; used by the smoothing), or nil when
    /// there is none.
    public func track(_ frame: RGBImage, at time: Double) throws(FaceError) -> TrackedFace? {
        var found: (box: FaceBox, source: TrackedFace.Source)?
        framesSinceFullSearch += 1
        if let last, framesSinceFullSearch < options.fullSearchInterval {
            found = try searchRegion(around: last, in: frame).map { ($0, .regionSearch) }
        }
        if found == nil {
            framesSinceFullSearch = 0
            let boxes = try detector.faceBoxes(in: frame, options: FaceDetectionOptions(minimumFaceSize: options.minimumFaceSize))
            found = boxes.max { $0.rect.width * $0.rect.height < $1.rect.width * $1.rect.height }.map { ($0, .fullSearch) }
        }
        guard let found else {
            reset()
            return nil
        }
        last = found.box.rect
        let raw = try detector.landmarks(in: frame, box: found.box.rect)
        if let previous = lastSmoothed,
           previous.eyeMidpoint.distance(to: raw.eyeMidpoint) > options.jumpThreshold * raw.interEyeDistance {
            resetSmoothing()
        }
        let smoothed = smooth(raw, at: time)
        lastSmoothed = smoothed
        return TrackedFace(box: found.box.rect, landmarks: smoothed, rawLandmarks: raw, score: found.box.score,
                           source: found.source)
    }

    /// Forgets the face, so the next frame gets a full search and unsmoothed landmarks.
    public func reset() {
        last = nil
        framesSinceFullSearch = 0
        resetSmoothing()
    }

    private func resetSmoothing() {
        lastSmoothed = nil
        for i in filters.indices { filters[i].reset() }
    }

    private func smooth(_ landmarks: FaceLandmarks, at time: Double) -> FaceLandmarks {
        FaceLandmarks(points: landmarks.points.enumerated().map { i, p in
            Point2D(x: filters[2 * i].filter(p.x, at: time), y: filters[2 * i + 1].filter(p.y, at: time))
        })
    }

    /// dlib's search over the last box grown by the margin, reduced so the last face
    /// measures `regionFaceSize`, over a few scales only.
    private func searchRegion(around box: PixelRect, in frame: RGBImage) throws(FaceError) -> FaceBox? {
        let margin = options.searchMargin
        let region = PixelRect(x: box.x - Int(Double(box.width) * margin), y: box.y - Int(Double(box.height) * margin),
                               width: Int(Double(box.width) * (1 + 2 * margin)),
                               height: Int(Double(box.height) * (1 + 2 * margin))).intersection(frame.bounds)
        guard !region.isEmpty else { return nil }
        let scale = min(1, Double(options.regionFaceSize) / Double(max(box.width, box.height)))
        return try detector.boxes(inGray: frame.cropped(to: region).grayscale(), at: region, scale: scale,
                                  pyramidLevels: options.regionPyramidLevels, FaceDetectionOptions()).first
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
