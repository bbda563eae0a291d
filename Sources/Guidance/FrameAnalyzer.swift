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
    private var previous: (face: FaceObservation, time: Double, scale: Double)?

    public init(detector: FaceDetector, spec: PhotoSpec = .diplomaBlue, analysisWidth: Int = 480) {
        self.detector = detector
        self.spec = spec
        self.analysisWidth = analysisWidth
    }

    /// Forgets the followed face (a new person sits down).
    public func reset() { previous = nil }

    /// The measures of `frame` (full resolution) taken at `time` seconds.
    public func analyze(_ frame: RGBImage, time: Double) throws(FaceError) -> FrameMeasures {
        let small: RGBImage
        if frame.width > analysisWidth {
            let height = max(1, Int((Double(frame.height) * Double(analysisWidth) / Double(frame.width)).rounded()))
            small = frame.resized(to: PixelSize(width: analysisWidth, height: height), filter: .area)
        } else {
            small = frame
        }
        return try analyzeReduced(small, scale: Double(frame.width) / Double(small.width), time: time)
    }

    /// The measures of an analysis-sized image; `scale` maps its pixels to the full frame.
    public func analyzeReduced(_ image: RGBImage, scale: Double, time: Double) throws(FaceError) -> FrameMeasures {
        let gray = image.grayscale()
        let faces = try findFaces(in: image)
        var measures = FrameMeasures(time: time, analysisSize: image.size, analysisScale: scale, faceCount: faces.count)
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
        if let previous, time > previous.time, previous.scale == scale {
            let moved = zip(previous.face.landmarks.points, landmarks.points).map { $0.distance(to: $1) }
            let mean = moved.reduce(0, +) / Double(moved.count)
            measures.motion = mean / max(1, landmarks.interEyeDistance) / (time - previous.time)
        }
        measures.framing = Self.framingProblem(landmarks.transformed(scale: scale),
                                               frame: PixelSize(width: Int((Double(image.width) * scale).rounded()),
                                                                height: Int((Double(image.height) * scale).rounded())),
                                               spec: spec)
        previous = (face, time, scale)
        return measures
    }

    /// Faces near the previous one first (a region twice its size around it, which is much
    /// cheaper to search), then the whole image.
    private func findFaces(in image: RGBImage) throws(FaceError) -> [DetectedFace] {
        if let last = previous?.face.box {
            let grow = max(last.width, last.height)
            let region = PixelRect(x: last.x - grow, y: last.y - grow, width: last.width + 2 * grow,
                                   height: last.height + 2 * grow).intersection(image.bounds)
            if !region.isEmpty {
                let near = try detector.detect(in: image, options: FaceDetectionOptions(region: region))
                if !near.isEmpty { return near }
            }
        }
        return try detector.detect(in: image, options: FaceDetectionOptions())
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
        corrected.pitch += down
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
