import DataCache
import FaceKit
import Foundation
import ImageKit
import Testing

@Suite(.enabled(if: cache.isPopulated, Comment(rawValue: cache.missingMessage)))
struct IdentityTests {
    func descriptor(_ name: String, _ encoder: FaceEncoder) throws -> FaceDescriptor {
        let image = try photo(name)
        return try encoder.descriptor(of: image, faceBox: try onlyFace(in: image).box)
    }

    @Test func photosOfTheSamePersonMatchAndAnotherPersonDoesNot() throws {
        let encoder = try FaceEncoder()
        let enrolled = try descriptor("obama.jpg", encoder)
        for name in ["obama2.jpg", "obama3.jpg", "obama_partial_face2.jpg"] {
            let verdict = enrolled.compared(to: try descriptor(name, encoder))
            #expect(verdict.isSamePerson, "\(name): distance \(verdict.distance)")
            #expect(verdict.distance < 0.5)
        }
        let other = enrolled.compared(to: try descriptor("biden.jpg", encoder))
        #expect(!other.isSamePerson, "biden.jpg: distance \(other.distance)")
        #expect(other.distance > 0.7)
    }

    @Test func theDescriptorIsRepeatableAndUnitLength() throws {
        let encoder = try FaceEncoder()
        let a = try descriptor("obama.jpg", encoder), b = try descriptor("obama.jpg", encoder)
        #expect(a.distance(to: b) == 0)
        let norm = a.values.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(norm > 0.2 && norm < 2)
    }

    @Test func theVerdictFollowsTheThreshold() {
        #expect(FaceComparison(distance: 0.59).isSamePerson)
        #expect(!FaceComparison(distance: 0.6).isSamePerson)
        #expect(FaceComparison.sameFaceThreshold == 0.6)
    }
}
