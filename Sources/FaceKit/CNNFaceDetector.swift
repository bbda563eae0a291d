import CDlib
import Foundation
import ImageKit

/// dlib's CNN face detector (max-margin object detection). It finds faces the HOG detector
/// scores low or misses, turned aside or partly hidden behind a shoulder, at about a hundred
/// times the cost per pixel: the station asks it only about small crops, as a second opinion
/// (`FaceDetector.people(in:rule:main:)`).
///
/// Calls are serialised by a lock (the network keeps its activations between calls).
public final class CNNFaceDetector: @unchecked Sendable {
    private let detector: OpaquePointer
    private let lock = NSLock()

    /// The width a face is scaled to before the network looks at it: the network finds
    /// faces from about 40 pixels, and a face half hidden needs more than that (at 64 pixels
    /// the astronaut behind a shoulder in the shared frames is missed, at 80 found).
    public static let faceWidth = 80.0

    /// Loads `models.cnnDetector`; throws `FaceError.missingModel` if absent.
    public init(models: FaceModels = .standard) throws(FaceError) {
        try FaceError.requireModel(models.cnnDetector)
        guard let detector = cvk_cnn_face_detector_load(models.cnnDetector.path) else {
            throw .library(operation: "loading \(models.cnnDetector.path)", message: lastNativeError())
        }
        self.detector = detector
    }

    deinit { cvk_cnn_face_detector_free(detector) }

    /// The faces the network finds in `image`, surest first; the score is its confidence
    /// (above 0: a face).
    public func faceBoxes(in image: RGBImage) throws(FaceError) -> [FaceBox] {
        var boxes = [cvk_face_box](repeating: cvk_face_box(), count: 16)
        let count = lock.withLock {
            image.withDlibImage { native in cvk_cnn_face_detect(detector, native, &boxes, Int32(boxes.count)) }
        }
        guard count >= 0 else { throw .library(operation: "CNN face detection", message: lastNativeError()) }
        return boxes.prefix(Int(count)).map { FaceBox(rect: $0.rect, score: $0.score) }
    }

    /// Whether the network sees a face where `candidate` (a box in `frame`) is: it looks at a
    /// square twice the candidate's width around it, scaled so the candidate is `faceWidth`
    /// pixels wide, and agrees when a face it finds there covers the candidate's centre and
    /// is of about its size (between half and twice its width).
    public func confirms(_ candidate: PixelRect, in frame: RGBImage) throws(FaceError) -> Bool {
        guard candidate.width > 0 else { return false }
        let side = 2 * candidate.width
        let window = PixelRect(x: candidate.x + candidate.width / 2 - side / 2, y: candidate.y + candidate.height / 2 - side / 2,
                               width: side, height: side).intersection(frame.bounds)
        guard !window.isEmpty else { return false }
        let scale = min(1, Self.faceWidth / Double(candidate.width))
        let crop = frame.cropped(to: window)
        let size = PixelSize(width: max(1, Int((Double(window.width) * scale).rounded())),
                             height: max(1, Int((Double(window.height) * scale).rounded())))
        let seen = try faceBoxes(in: scale < 1 ? crop.resized(to: size, filter: .area) : crop)
        let centre = (x: (Double(candidate.x) + Double(candidate.width) / 2 - Double(window.x)) * scale,
                      y: (Double(candidate.y) + Double(candidate.height) / 2 - Double(window.y)) * scale)
        let width = Double(candidate.width) * scale
        return seen.contains { face in
            let r = face.rect
            return Double(r.x) <= centre.x && centre.x <= Double(r.maxX) && Double(r.y) <= centre.y && centre.y <= Double(r.maxY)
                && (0.5 * width...2 * width).contains(Double(r.width))
        }
    }
}
