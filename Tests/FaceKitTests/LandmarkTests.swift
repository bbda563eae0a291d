import DataCache
import FaceKit
import Foundation
import ImageKit
import Testing

/// `image` flipped left to right.
func mirrored(_ image: RGBImage) -> RGBImage {
    RGBImage(width: image.width, height: image.height) { x, y in
        let sx = image.width - 1 - x
        return [image[sx, y, 0], image[sx, y, 1], image[sx, y, 2]]
    }
}

@Suite(.enabled(if: cache.isPopulated, Comment(rawValue: cache.missingMessage)))
struct LandmarkTests {
    /// Positions read by eye off obama.jpg at 3× zoom (pupil centres, nose tip, mouth
    /// corners, chin), checked once against dlib's output.
    @Test func landmarksFallWhereTheyWereVerifiedByHand() throws {
        let lm = try onlyFace(in: try photo("obama.jpg")).landmarks
        let tolerance = 5.0  // pixels; the inter-eye distance is about 104
        let pinned: [(String, Point2D, Point2D)] = [
            ("right pupil", lm.rightEyeCenter, Point2D(x: 444, y: 216)),
            ("left pupil", lm.leftEyeCenter, Point2D(x: 548, y: 214)),
            ("nose tip", lm.noseTip, Point2D(x: 497, y: 273)),
            ("right mouth corner", lm.points[48], Point2D(x: 433, y: 321)),
            ("left mouth corner", lm.points[54], Point2D(x: 553, y: 320)),
            ("chin", lm.chin, Point2D(x: 496, y: 426)),
        ]
        for (name, found, expected) in pinned {
            #expect(found.distance(to: expected) < tolerance, "\(name) at \(found), verified at \(expected)")
        }
    }

    @Test(arguments: portraits)
    func theRightEyeIsOnTheImageLeftInEveryPortrait(_ name: String) throws {
        let lm = try onlyFace(in: try photo(name)).landmarks
        #expect(lm.rightEyeCenter.x < lm.leftEyeCenter.x)
        #expect(lm.points[0].x < lm.points[16].x)
        #expect(lm.points[48].x < lm.points[54].x)
        #expect(Point2D.centroid(lm.rightBrow).x < Point2D.centroid(lm.leftBrow).x)
        #expect(lm.rightEyeCenter.y < lm.noseTip.y && lm.noseTip.y < lm.chin.y)
    }

    @Test func theMirroredImageGivesMirroredPoints() throws {
        let image = try photo("obama.jpg")
        let original = try onlyFace(in: image).landmarks
        let flipped = try onlyFace(in: mirrored(image)).landmarks
        let expected = original.mirrored(imageWidth: image.width)
        let errors = zip(flipped.points, expected.points).map { $0.distance(to: $1) / original.interEyeDistance }
        #expect(errors.reduce(0, +) / Double(errors.count) < 0.03)
        #expect(errors.max()! < 0.1)
        // The person's right eye is still `rightEye`, now on the image's left.
        #expect(flipped.rightEyeCenter.x < flipped.leftEyeCenter.x)
    }

    @Test func mirroringTwiceGivesTheSamePoints() throws {
        let lm = try onlyFace(in: try photo("obama.jpg")).landmarks
        #expect(lm.mirrored(imageWidth: 910).mirrored(imageWidth: 910) == lm)
    }
}
