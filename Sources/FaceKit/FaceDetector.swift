import CDlib
import Foundation
import ImageKit

/// How `FaceDetector` searches an image.
public struct FaceDetectionOptions: Sendable, Hashable, Codable {
    /// The side of dlib's HOG search window: faces smaller than this are found only with
    /// upsampling.
    public static let detectorWindow = 80

    /// The longest side, in pixels, of the image dlib actually searches, its upsampling
    /// counted. A larger photo (or upsampling that would go beyond this) is searched on a
    /// copy reduced to fit, and the boxes are scaled back; landmarks are still placed at
    /// full resolution. At 1600 px the smallest face found is 5 % of the longer side,
    /// smaller than any face a portrait is taken for, and the search takes tens of MB
    /// whatever the photo (an 8000×6000 photo upsampled 3 times asked dlib for over 7 GB).
    public static let maximumSearchSide = 1600

    /// Faces smaller than this many pixels (box side, in the image's own pixels) are not
    /// reported (nil: every face the search finds). When it is larger than the 80-pixel
    /// window and there is no upsampling, the search runs on a copy reduced by
    /// `80 / minimumFaceSize`, which is proportionally faster.
    public var minimumFaceSize: Int?
    /// How many times dlib doubles the image before searching (0…3); each step finds faces
    /// half as large (80 → 40 → 20 px) at about four times the cost. Counted against
    /// `maximumSearchSide`: on a large photo fewer doublings (or none) are made.
    public var upsampling: Int
    /// Only this part of the image is searched (nil: all of it). Boxes are still in the
    /// whole image's coordinates.
    public var region: PixelRect?
    /// Added to dlib's decision threshold: negative finds more (and more false) faces.
    public var thresholdAdjustment: Double

    public init(minimumFaceSize: Int? = nil, upsampling: Int = 0, region: PixelRect? = nil,
                thresholdAdjustment: Double = 0) {
        self.minimumFaceSize = minimumFaceSize
        self.upsampling = upsampling
        self.region = region
        self.thresholdAdjustment = thresholdAdjustment
    }

    /// The factor the search image is scaled by before dlib sees it (≤ 1).
    var reduction: Double {
        guard upsampling == 0, let minimumFaceSize else { return 1 }
        return min(1, Double(Self.detectorWindow) / Double(max(1, minimumFaceSize)))
    }
}

/// A face found in an image.
public struct DetectedFace: Sendable, Hashable, Codable {
    /// dlib's detection box, in image pixels. It covers brows to chin, not the hair.
    public var box: PixelRect
    /// The 68 landmarks placed at full resolution inside `box`.
    public var landmarks: FaceLandmarks
    /// dlib's detection confidence (larger is surer; above 0 at the default threshold).
    public var score: Double

    public init(box: PixelRect, landmarks: FaceLandmarks, score: Double) {
        self.box = box
        self.landmarks = landmarks
        self.score = score
    }
}

/// A detection box without landmarks.
public struct FaceBox: Sendable, Hashable, Codable {
    public var rect: PixelRect
    public var score: Double
    /// Whether dlib's CNN face detector, asked about this box, saw a face there too (false:
    /// not asked, or it did not): what makes a face the HOG detector is unsure of count
    /// (`PeopleRule`).
    public var confirmed: Bool

    public init(rect: PixelRect, score: Double, confirmed: Bool = false) {
        self.rect = rect
        self.score = score
        self.confirmed = confirmed
    }
}

/// How an image is brought to the size dlib searches: reduced by `scale` (≤ 1), then
/// doubled `upsampling` times by dlib, so that the result is at most
/// `FaceDetectionOptions.maximumSearchSide` on its longer side.
struct SearchPlan: Equatable {
    var scale: Double
    var upsampling: Int

    /// The plan for an image whose longer side is `longestSide`, asked to be reduced by
    /// `scale` and doubled `upsampling` times.
    init(longestSide: Int, scale: Double, upsampling: Int) {
        let asked = scale * Double(1 << upsampling)
        let limit = Double(FaceDetectionOptions.maximumSearchSide) / Double(max(1, longestSide))
        guard asked > limit else {
            self.scale = scale
            self.upsampling = upsampling
            return
        }
        // Too large: the same total enlargement `limit`, by reducing first and then doubling
        // as few times as reach it (reducing after dlib's doubling would waste the memory
        // this is about).
        let doublings = limit <= 1 ? 0 : min(upsampling, Int(log2(limit).rounded(.up)))
        self.scale = limit / Double(1 << doublings)
        self.upsampling = doublings
    }
}

/// dlib's frontal face detector (HOG) and 68-point shape predictor.
///
/// Calls are serialised by a lock, so one detector may be shared; for parallel throughput
/// give each thread its own detector (dlib's detector keeps scratch state per handle).
public final class FaceDetector: @unchecked Sendable {
    public let options: FaceDetectionOptions
    private let detector: OpaquePointer
    private let predictor: OpaquePointer
    private let lock = NSLock()
    /// The second opinion on faces the search is unsure of, loaded when first asked.
    private let cnnModels: FaceModels
    private var cnn: CNNFaceDetector?
    private let cnnLock = NSLock()

    /// Loads the 68-point model from `models`; throws `FaceError.missingModel` if absent.
    public init(models: FaceModels = .standard, options: FaceDetectionOptions = .init()) throws(FaceError) {
        try FaceError.requireModel(models.landmarks68)
        guard let predictor = cvk_shape_predictor_load(models.landmarks68.path) else {
            throw .library(operation: "loading \(models.landmarks68.path)", message: lastNativeError())
        }
        guard cvk_shape_predictor_parts(predictor) == Int32(FaceLandmarks.count) else {
            cvk_shape_predictor_free(predictor)
            throw .library(operation: "loading \(models.landmarks68.path)", message: "not a 68-point shape predictor")
        }
        guard let detector = cvk_face_detector_create() else {
            cvk_shape_predictor_free(predictor)
            throw .library(operation: "creating the face detector", message: lastNativeError())
        }
        self.detector = detector
        self.predictor = predictor
        self.options = options
        cnnModels = models
    }

    /// The CNN face detector of the models this detector was made with, loaded on first use.
    func secondOpinion() throws(FaceError) -> CNNFaceDetector {
        cnnLock.lock()
        defer { cnnLock.unlock() }
        if let cnn { return cnn }
        let loaded = try CNNFaceDetector(models: cnnModels)
        cnn = loaded
        return loaded
    }

    deinit {
        cvk_face_detector_free(detector)
        cvk_shape_predictor_free(predictor)
    }

    /// Every face in `image`, most confident first, with its landmarks.
    public func detect(in image: RGBImage) throws(FaceError) -> [DetectedFace] {
        try detect(in: image, options: options)
    }

    /// Every face in `image` searched with `options`, most confident first.
    public func detect(in image: RGBImage, options: FaceDetectionOptions) throws(FaceError) -> [DetectedFace] {
        try faceBoxes(in: image, options: options).map { face throws(FaceError) in
            DetectedFace(box: face.rect, landmarks: try landmarks(in: image, box: face.rect), score: face.score)
        }
    }

    /// Detection boxes only, most confident first.
    public func faceBoxes(in image: RGBImage, options: FaceDetectionOptions? = nil) throws(FaceError) -> [FaceBox] {
        let options = options ?? self.options
        let region = try Self.searchRegion(options, in: image)
        // The search runs on grey: dlib's HOG features on RGB take the strongest of three
        // channel gradients, three times the work, and find the same faces in our photos.
        return try boxes(inGray: image.cropped(to: region).grayscale(), at: region, scale: options.reduction, options)
    }

    /// Detection boxes in a grey image (e.g. a camera's luma plane), most confident first.
    public func faceBoxes(in gray: GrayImage, options: FaceDetectionOptions? = nil) throws(FaceError) -> [FaceBox] {
        let options = options ?? self.options
        let region = try Self.searchRegion(options, in: gray)
        return try boxes(inGray: gray.cropped(to: region), at: region, scale: options.reduction, options)
    }

    private static func searchRegion<F>(_ options: FaceDetectionOptions,
                                        in image: PixelBuffer<F>) throws(FaceError) -> PixelRect {
        let region = options.region.map { $0.intersection(image.bounds) } ?? image.bounds
        guard !region.isEmpty else {
            throw .invalidInput("the search region \(options.region.map(\.description) ?? "") lies outside the "
                + "\(image.size) image")
        }
        return region
    }

    /// Searches `gray` (the view of `region`) reduced by `scale` (≤ 1) over `pyramidLevels`
    /// scales (0: all), and returns boxes in the coordinates of the image `region` is in.
    func boxes(inGray gray: GrayImage, at region: PixelRect, scale: Double, pyramidLevels: Int = 0,
               _ options: FaceDetectionOptions) throws(FaceError) -> [FaceBox] {
        guard options.upsampling >= 0 && options.upsampling <= 3 else {
            throw .invalidInput("upsampling must be 0…3, not \(options.upsampling)")
        }
        let plan = SearchPlan(longestSide: max(gray.width, gray.height), scale: scale, upsampling: options.upsampling)
        var searched = gray
        if plan.scale < 1 {
            searched = gray.resized(to: PixelSize(width: max(1, Int((Double(gray.width) * plan.scale).rounded())),
                                                  height: max(1, Int((Double(gray.height) * plan.scale).rounded()))),
                                    filter: .area)
        }
        let found = try searchBoxes(in: searched, upsampling: plan.upsampling,
                                    thresholdAdjustment: options.thresholdAdjustment, pyramidLevels: pyramidLevels)
        let sx = Double(gray.width) / Double(searched.width), sy = Double(gray.height) / Double(searched.height)
        return found.map { face in
            FaceBox(rect: face.rect.scaled(sx: sx, sy: sy, offsetX: region.x, offsetY: region.y), score: face.score)
        }.filter { min($0.rect.width, $0.rect.height) >= options.minimumFaceSize ?? 0 }
    }

    /// The 68 landmarks of the face in `box` (image coordinates; the box may come from a
    /// detector, a tracker, or the landmarks of an earlier frame).
    public func landmarks(in image: RGBImage, box: PixelRect) throws(FaceError) -> FaceLandmarks {
        var xy = [Double](repeating: 0, count: 2 * FaceLandmarks.count)
        let status = lock.withLock {
            image.withDlibImage { native in cvk_shape_predict(predictor, native, cvk_face_box(box), &xy) }
        }
        guard status == 0 else { throw .library(operation: "placing landmarks", message: lastNativeError()) }
        return FaceLandmarks(points: (0..<FaceLandmarks.count).map { Point2D(x: xy[2 * $0], y: xy[2 * $0 + 1]) })
    }

    /// dlib's search over a grey image as it is, boxes in its coordinates.
    private func searchBoxes(in gray: GrayImage, upsampling: Int, thresholdAdjustment: Double,
                     pyramidLevels: Int) throws(FaceError) -> [FaceBox] {
        guard upsampling >= 0 && upsampling <= 3 else {
            throw .invalidInput("upsampling must be 0…3, not \(upsampling)")
        }
        var boxes = [cvk_face_box](repeating: cvk_face_box(), count: 32)
        let count = lock.withLock {
            gray.withDlibImage { native in
                cvk_face_detect(detector, native, Int32(upsampling), thresholdAdjustment, Int32(pyramidLevels),
                                &boxes, Int32(boxes.count))
            }
        }
        guard count >= 0 else { throw .library(operation: "face detection", message: lastNativeError()) }
        return boxes.prefix(Int(count)).map { FaceBox(rect: $0.rect, score: $0.score) }
    }
}

extension FaceDetectionOptions {
    /// The first setting that cannot work, or nil: `key` names it (relative to the options),
    /// `reason` says what it is and what is allowed.
    public func invalidSetting() -> (key: String, reason: String, related: [String])? {
        if !(0...3).contains(upsampling) {
            return ("upsampling", "is \(upsampling); it must be 0, 1, 2 or 3 (each step doubles the image, "
                + "four times the work)", [])
        }
        if let minimumFaceSize, !(1...10_000).contains(minimumFaceSize) {
            return ("minimumFaceSize", "is \(minimumFaceSize); it must be a number of pixels from 1 to 10000, "
                + "or null for no lower limit", [])
        }
        if let region {
            if region.x < 0 || region.y < 0 {
                return ("region", "starts at \(region.x), \(region.y); x and y must be 0 or more", [])
            }
            if region.width < 1 || region.height < 1 {
                return ("region", "is \(region.width)×\(region.height); width and height must be at least 1", [])
            }
        }
        // dlib's scores lie in about -1…3: beyond ±2 the search finds everything or nothing.
        if !(-2...2).contains(thresholdAdjustment) {
            return ("thresholdAdjustment", "is \(String(format: "%g", thresholdAdjustment)); it must be from -2 to 2 "
                + "(0: dlib's own threshold)", [])
        }
        return nil
    }
}
