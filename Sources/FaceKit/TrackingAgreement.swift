import Foundation
import ImageKit

/// Frames made by moving a virtual camera over a still photo: the window pans and zooms
/// smoothly, with one sudden jump, so a tracker sees slow drift, scale change and real
/// movement of a known face. Used to replay a sequence in tests and benchmarks.
public struct PanZoomSequence: Sendable {
    public let photo: RGBImage
    public let frameSize: PixelSize
    public let frameCount: Int

    public init(photo: RGBImage, frameSize: PixelSize = PixelSize(width: 640, height: 480), frameCount: Int = 90) {
        self.photo = photo
        self.frameSize = frameSize
        self.frameCount = frameCount
    }

    /// The part of the photo frame `index` shows. The window keeps the frame's aspect,
    /// is 85% of the photo's largest such window on average, breathes ±12% in size, drifts
    /// ±6% of the photo across and ±4% down, and jumps by 8% of the width at the midpoint.
    public func window(_ index: Int) -> PixelRect {
        let aspect = Double(frameSize.width) / Double(frameSize.height)
        let fullWidth = min(Double(photo.width), Double(photo.height) * aspect)
        let t = Double(index) / Double(max(1, frameCount - 1))
        let width = fullWidth * 0.78 * (1 + 0.12 * sin(2 * .pi * t))
        let height = width / aspect
        let jump = index >= frameCount / 2 ? 0.08 * Double(photo.width) : 0
        let cx = Double(photo.width) / 2 + 0.06 * Double(photo.width) * sin(2 * .pi * 1.5 * t) + jump - 0.04 * Double(photo.width)
        let cy = height / 2 + 0.04 * Double(photo.height) * (1 - cos(2 * .pi * t)) / 2
        let x = min(max(0, cx - width / 2), Double(photo.width) - width)
        let y = min(max(0, cy - height / 2), Double(photo.height) - height)
        return PixelRect(x: Int(x), y: Int(y), width: Int(width), height: Int(height))
    }

    /// Frame `index`, resampled from `window(index)` to `frameSize`.
    public func frame(_ index: Int) -> RGBImage {
        photo.cropped(to: window(index)).resized(to: frameSize, filter: .area)
    }

    /// Where a point of the photo appears in frame `index`.
    public func project(_ point: Point2D, into index: Int) -> Point2D {
        let w = window(index)
        return Point2D(x: (point.x - Double(w.x)) * Double(frameSize.width) / Double(w.width),
                       y: (point.y - Double(w.y)) * Double(frameSize.height) / Double(w.height))
    }
}

/// How often the tracked per-frame path and a full detection of each frame disagree.
///
/// A frame agrees when neither finds a face, or both do with boxes overlapping by at least
/// `minimumOverlap` (intersection over union). Landmark differences are measured in units
/// of the inter-eye distance so they compare across face sizes.
public struct TrackingAgreement: Sendable, Codable {
    public static let minimumOverlap = 0.5

    public var frames: Int
    /// Frames where exactly one of the two found a face, or their boxes overlap too little.
    public var disagreements: [Int]
    /// Frames where both found a face.
    public var bothFound: Int
    /// Mean and largest distance between the tracker's landmarks and the full detection's, over frames where both found a face, in inter-eye distances.
    public var meanLandmarkDifference: Double
    public var maximumLandmarkDifference: Double
    /// How many frames the tracker answered with a full search.
    public var fullSearches: Int

    public var agreementRate: Double { frames > 0 ? Double(frames - disagreements.count) / Double(frames) : 1 }

    /// Replays `sequence` through `tracker` (reset first) and through `detector`'s full,
    /// full-resolution search of every frame, whose person is picked by the tracker's rule.
    public static func measure(_ sequence: PanZoomSequence, tracker: FaceTracker,
                               detector: FaceDetector) throws(FaceError) -> TrackingAgreement {
        tracker.reset()
        var result = TrackingAgreement(frames: sequence.frameCount, disagreements: [], bothFound: 0,
                                       meanLandmarkDifference: 0, maximumLandmarkDifference: 0, fullSearches: 0)
        var differenceSum = 0.0
        for index in 0..<sequence.frameCount {
            let frame = sequence.frame(index)
            let tracked = try tracker.track(frame)
            let faces = try detector.detect(in: frame)
            let reference = tracker.people.people(faces.map { FaceBox(rect: $0.box, score: $0.score) }).main.map { faces[$0] }
            if tracked?.source == .fullSearch { result.fullSearches += 1 }
            switch (tracked, reference) {
            case (nil, nil):
                continue
            case let (tracked?, reference?):
                if tracked.box.overlap(with: reference.box) < minimumOverlap { result.disagreements.append(index) }
                let scale = max(1, reference.landmarks.interEyeDistance)
                let difference = zip(tracked.landmarks.points, reference.landmarks.points)
                    .map { $0.distance(to: $1) }.reduce(0, +) / Double(FaceLandmarks.count) / scale
                differenceSum += difference
                result.maximumLandmarkDifference = max(result.maximumLandmarkDifference, difference)
                result.bothFound += 1
            default:
                result.disagreements.append(index)
            }
        }
        result.meanLandmarkDifference = result.bothFound > 0 ? differenceSum / Double(result.bothFound) : 0
        return result
    }
}
