import DataCache
import EnrollmentFace
import FaceKit
import Foundation
import ImageKit
import PhotoStandard
import Roster
import StationStore

/// The demo's school and its three students, each with a real test portrait as the
/// enrollment photo the station compares the captured face with. The first is the one who
/// sits down in front of the demo's camera; her enrollment photo is another station-like
/// frame made from the same portrait.
public enum DemoRoster {
    public struct Entry: Sendable {
        public var student: DemoScript.Student
        public var name: String
        /// Their enrollment photo: a test portrait, as a path inside the test-data cache.
        public var portrait: String
    }

    public static let school = "北京大学"
    public static let batch = "2024"

    public static let entries = [
        Entry(student: .init(number: "2024000001", idTail: "123X", collectionCode: "XJ2024-DEMO-0001"), name: "林晓雯",
              portrait: "matte-eval/feat_anc__s1a_plain.jpg"),
        Entry(student: .init(number: "2024000002", idTail: "0042", collectionCode: "XJ2024-DEMO-0002"), name: "李华", portrait: "faces/obama.jpg"),
        Entry(student: .init(number: "2024000003", idTail: "7781", collectionCode: "XJ2024-DEMO-0003"), name: "张伟", portrait: "faces/biden.jpg"),
    ]

    /// The student the demo photographs.
    public static var seated: Entry { entries[0] }

    /// The roster as a school sends it (the CSV `kiosk roster import` and `kiosk-server roster import` read).
    public static var csv: String {
        "student_number,school,batch,name,id_tail\n"
            + entries.map { "\($0.student.number),\(school),\(batch),\($0.name),\($0.student.idTail)\n" }.joined()
    }

    /// Gives each student on the station's roster the face descriptor of their portrait (the
    /// person in it by the one rule, `PeopleRule`), as the roster's enrollment photos would.
    public static func enroll(in store: StationStore, faces cache: DataCache, detector: FaceDetector,
                              check: EnrollmentFaceCheck, people: PeopleRule) throws {
        for entry in entries {
            let portrait = try ImageFile.read(cache.root.appendingPathComponent(entry.portrait))
            guard case let .success(face) = Standardizer.mainFace(try detector.detect(in: portrait), rule: people),
                  let number = StudentNumber(entry.student.number) else {
                throw DemoError("no face found in the test portrait \(entry.portrait): run scripts/fetch-test-data.sh again")
            }
            try store.setEnrollmentDescriptor(try check.descriptor(of: portrait, face: face.box).values, for: number)
        }
    }
}
