import FaceKit
import Foundation
import ImageKit
import PhotoStandard

/// Measures one frame after another on a reduced copy: face (searched near the last one
/// first), landmarks, pose, eyes, mouth, light, sharpness, motion, and whether the spec crop
/// is possible. It keeps only the previous face between calls.
public final class FrameAnalyzer: @unchecked Sendable {
    public let detector: FaceDetector
    public var spec: PhotoSpec
    /// Width of the analysis copy in pixels; frames narrower are used as they are.
    public var analysisWidth: Int
    /// Frames between two detector searches (the others follow the landmarks).
    public var searchInterval: Int
    /// The face followed (its box already moved on by the landmarks' last step) and when.
    private var previous: (face: FaceObservation, time: Double, scale: Double)?
    private var sinceSearch = 0
    private var lastCount = 0

    public init(detector: FaceDetector, spec: PhotoSpec = .diplomaBlue, analysisWidth: Int = 480, searchInterval: Int = 5) {
        self.detector = detector
        self.spec = spec
        self.analysisWidth = analysisWidth
        self.searchInterval = searchInterval
    }

    /// Forgets the followed face (a new person sits down).
    public func reset() {
        previous = nil
        sinceSearch = 0
    }

    /// The measures of `frame` (full resolution) taken at `time` seconds.
    public func analyze(_ frame: RGBImage, time: Double) throws(FaceError) -> FrameMeasures {
        let small = reducedCopy(of: frame)
        return try analyzeReduced(small, scale: Double(frame.width) / Double(small.width), time: time)
    }

    /// The analysis copy of `frame` (the frame itself when it is narrow enough); the live
    /// preview is drawn from it too, as the terminal shows fewer pixels still.
    public func reducedCopy(of frame: RGBImage) -> RGBImage {
        guard frame.width > analysisWidth else { return frame }
        let height = max(1, Int((Double(frame.height) * Double(analysisWidth) / Double(frame.width)).rounded()))
        return frame.resized(to: PixelSize(width: analysisWidth, height: height), filter: .area)
    }

    /// The measures of an analysis-sized image; `scale` maps its pixels to the full frame.
    public func analyzeReduced(_ image: RGBImage, scale: Double, time: Double) throws(FaceError) -> FrameMeasures {
        let gray = image.grayscale()
        let (faces, count) = try findFaces(in: image)
        var measures = FrameMeasures(time: time, analysisSize: image.size, analysisScale: scale, faceCount: count)
        let main: DetectedFace
        switch Standardizer.mainFace(faces) {
        case let .success(face): main = face
        case let .failure(problem):
            measures.framing = problem
            measures.exposure = ImageMeasures.mean(gray, in: gray.bounds) ?? 0
            previous = nil
            return measures
        }
        let landmarks = main.landmarks
        var faceMeasures = FaceMeasures(landmarks: landmarks, imageSize: image.size)
        faceMeasures.pose = faceMeasures.pose.map { Self.towardsCamera($0, landmarks: landmarks, imageSize: image.size) }
        let face = FaceObservation(box: main.box, landmarks: landmarks, measures: faceMeasures)
        measures.face = face
        let faceRect = landmarks.boundingBox.intersection(gray.bounds)
        measures.exposure = ImageMeasures.mean(gray, in: faceRect) ?? 0
        measures.lightBalance = Self.lightBalance(gray, landmarks: landmarks)
        measures.sharpness = ImageMeasures.laplacianVariance(gray, in: faceRect)
        var drift = (x: 0, y: 0)
        if let previous, time > previous.time, previous.scale == scale {
            let moved = zip(previous.face.landmarks.points, landmarks.points).map { $0.distance(to: $1) }
            let mean = moved.reduce(0, +) / Double(moved.count)
            measures.motion = mean / max(1, landmarks.interEyeDistance) / (time - previous.time)
            let shift = Point2D.centroid(landmarks.points) - Point2D.centroid(previous.face.landmarks.points)
            drift = (Int(shift.x.rounded()), Int(shift.y.rounded()))
        }
        measures.framing = Self.framingProblem(landmarks.transformed(scale: scale),
                                               frame: PixelSize(width: Int((Double(image.width) * scale).rounded()),
                                                                height: Int((Double(image.height) * scale).rounded())),
                                               spec: spec)
        // The box follows the landmarks, so the next frame's landmarks start where the face is.
        var followed = face
        followed.box = face.box.offsetBy(drift)
        previous = (followed, time, scale)
        return measures
    }

    /// The faces of this frame, cheapest way first.
    ///
    /// Between searches the landmarks are placed in the previous face's box moved on by the
    /// landmarks' last step (dlib's shape predictor tolerates a box that is off by a
    /// good part of the face); every `searchInterval`-th frame, and whenever there is no face
    /// to follow, the detector runs: first on a region around the last face with a minimum face
    /// size near the last one (a smaller, reduced search), then on the whole image. The face
    /// count is the one of the last search.
    private func findFaces(in image: RGBImage) throws(FaceError) -> (faces: [DetectedFace], count: Int) {
        if let last = previous, sinceSearch + 1 < searchInterval {
            sinceSearch += 1
            let box = last.face.box.intersection(image.bounds)
            if box.width > 20, box.height > 20 {
                let landmarks = try detector.landmarks(in: image, box: box)
                return ([DetectedFace(box: box, landmarks: landmarks, score: 0)], lastCount)
            }
        }
        sinceSearch = 0
        if let last = previous?.face.box {
            let grow = max(last.width, last.height) / 2
            let region = PixelRect(x: last.x - grow, y: last.y - grow, width: last.width + 2 * grow,
                                   height: last.height + 2 * grow).intersection(image.bounds)
            if !region.isEmpty {
                let options = FaceDetectionOptions(minimumFaceSize: max(FaceDetectionOptions.detectorWindow, last.width * 2 / 3),
                                                   region: region)
                let near = try detector.detect(in: image, options: options)
                if !near.isEmpty {
                    lastCount = max(1, lastCount)
                    return (near, lastCount)
                }
            }
        }
        let all = try detector.detect(in: image, options: FaceDetectionOptions())
        lastCount = all.count
        return (all, all.count)
    }

    /// The pose against the line from the face to the camera rather than the camera's axis.
    ///
    /// The student is asked to look into the lens; a face above or beside the image centre
    /// that does so is turned by the angle of that line, which the fit (whose zero is the
    /// camera axis, with `PoseCamera`'s default focal length) reports as yaw and pitch.
    static func towardsCamera(_ pose: HeadPose, landmarks: FaceLandmarks, imageSize: PixelSize) -> HeadPose {
        let camera = PoseCamera(imageSize: imageSize)
        let nose = landmarks.noseTip
        let across = atan((nose.x - camera.principalPoint.x) / camera.focalLength) * 180 / .pi
        let down = atan((nose.y - camera.principalPoint.y) / camera.focalLength) * 180 / .pi
        var corrected = pose
        corrected.yaw += across
        // A face below the lens axis that looks into the lens is tilted chin-up relative to
        // that axis (pitch > 0 in FaceKit's convention), so its sight line is taken off.
        corrected.pitch -= down
        return corrected
    }

    /// Cheek brightness difference: two boxes between the eye line and the bottom of the
    /// nose, from the face contour to the nose wings.
    static func lightBalance(_ gray: GrayImage, landmarks: FaceLandmarks) -> Double {
        let p = landmarks.points
        let top = Int(p[28].y), bottom = Int(p[33].y)
        guard bottom > top else { return 0 }
        let left = PixelRect(x: Int(p[2].x), y: top, width: Int(p[31].x - p[2].x), height: bottom - top)
        let right = PixelRect(x: Int(p[35].x), y: top, width: Int(p[14].x - p[35].x), height: bottom - top)
        guard let l = ImageMeasures.mean(gray, in: left), let r = ImageMeasures.mean(gray, in: right) else { return 0 }
        return (l - r) / max(l, r, 1)
    }

    /// Runs the spec's crop solver with the head top estimated from the landmarks (the
    /// matte that finds the real hair line is too slow for every frame): the hair top is put
    /// 0.7 brow-to-chin heights above the brows, about where it sits on short hair.
    static func framingProblem(_ landmarks: FaceLandmarks, frame: PixelSize, spec: PhotoSpec) -> FramingProblem? {
        let face = FaceGeometry(landmarks)
        let headTop = face.browTop - 0.7 * (face.chinY - face.browTop)
        if headTop < 0 { return .headCutOff }
        // Shoulders reach about 1.4 face widths to each side of the face centre.
        let reach = 1.4 * face.faceWidth
        let input = FramingInput(face: face, headTop: headTop, frameWidth: Double(frame.width),
                                 frameHeight: Double(frame.height), leftEdgeClear: face.centreX - reach > 0,
                                 rightEdgeClear: face.centreX + reach < Double(frame.width))
        if case let .failure(problem) = CropSolver(spec: spec).solve(input) { return problem }
        return nil
    }
}

extension PixelRect {
    fileprivate func offsetBy(_ d: (x: Int, y: Int)) -> PixelRect {
        PixelRect(x: x + d.x, y: y + d.y, width: width, height: height)
    }
}
