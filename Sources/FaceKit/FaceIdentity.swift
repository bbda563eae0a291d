import CDlib
import Foundation
import ImageKit

/// dlib's 128-value face descriptor: photos of one person lie close together (Euclidean
/// distance), photos of different people far apart.
public struct FaceDescriptor: Sendable, Hashable, Codable {
    public static let dimensions = 128
    public let values: [Float]

    public init(values: [Float]) throws(FaceError) {
        guard values.count == Self.dimensions else {
            throw .invalidInput("a face descriptor has \(Self.dimensions) values, not \(values.count)")
        }
        self.values = values
    }

    /// Euclidean distance to `other`.
    public func distance(to other: FaceDescriptor) -> Double {
        zip(values, other.values).reduce(0.0) { sum, pair in
            let d = Double(pair.0) - Double(pair.1)
            return sum + d * d
        }.squareRoot()
    }

    /// The distance to `other` and whether it is below `threshold`.
    public func compared(to other: FaceDescriptor, threshold: Double = FaceComparison.sameFaceThreshold) -> FaceComparison {
        FaceComparison(distance: distance(to: other), threshold: threshold)
    }
}

/// The verdict on two faces: same person when their descriptor distance is below the
/// threshold.
public struct FaceComparison: Sendable, Hashable, Codable {
    /// 0.6, the threshold dlib publishes with this model: "When using a distance threshold
    /// of 0.6, the dlib model obtains an accuracy of 99.38% on the standard LFW face
    /// recognition benchmark" (dlib's examples/dnn_face_recognition_ex.cpp and
    /// python_examples/face_recognition.py, http://dlib.net/dnn_face_recognition_ex.cpp.html);
    /// face_recognition's `compare_faces` uses the same default `tolerance=0.6`.
    public static let sameFaceThreshold = 0.6

    public var distance: Double
    public var threshold: Double
    public var isSamePerson: Bool { distance < threshold }

    public init(distance: Double, threshold: Double = Self.sameFaceThreshold) {
        self.distance = distance
        self.threshold = threshold
    }
}

/// dlib's ResNet face descriptor, with the 5-point predictor it aligns faces with.
///
/// Calls are serialised by a lock (the network keeps its activations between calls); give
/// each thread its own encoder for parallel throughput.
public final class FaceEncoder: @unchecked Sendable {
    private let encoder: OpaquePointer
    private let lock = NSLock()

    /// Loads the network and the 5-point model; throws `FaceError.missingModel` if absent.
    public init(models: FaceModels = .standard) throws(FaceError) {
        try FaceError.requireModel(models.descriptor)
        try FaceError.requireModel(models.landmarks5)
        guard let encoder = cvk_face_encoder_load(models.descriptor.path, models.landmarks5.path) else {
            throw .library(operation: "loading the face descriptor model", message: lastNativeError())
        }
        self.encoder = encoder
    }

    deinit { cvk_face_encoder_free(encoder) }

    /// The descriptor of the face in `box` (a detection box, e.g. `DetectedFace.box`).
    public func descriptor(of image: RGBImage, faceBox box: PixelRect) throws(FaceError) -> FaceDescriptor {
        var values = [Float](repeating: 0, count: FaceDescriptor.dimensions)
        let status = lock.withLock {
            image.withDlibImage { native in cvk_face_encode(encoder, native, cvk_face_box(box), &values) }
        }
        guard status == 0 else { throw .library(operation: "face descriptor", message: lastNativeError()) }
        return try FaceDescriptor(values: values)
    }
}
