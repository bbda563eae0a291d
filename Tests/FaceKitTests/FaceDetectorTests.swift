import DataCache
import FaceKit
import Foundation
import ImageKit
import Testing

let cache = DataCache.standard

@Suite(.enabled(if: cache.isPopulated, Comment(rawValue: cache.missingMessage)))
struct FaceDetectorTests {
    @Test func findsTheFaceInEveryPortrait() throws {
        let detector = try FaceDetector()
        for name in ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"] {
            let image = try ImageFile.read(cache.face(name))
            let faces = try detector.detect(in: image)
            #expect(faces.count == 1, "\(name): \(faces.count) faces")
        }
    }
}
