import Foundation
import GRDB
import Roster

extension StationStore {
    /// Keeps the face descriptor of a student's enrollment photo (128 values; nil removes
    /// it), as the server's roster or an operator supplies it: the station compares the
    /// captured face with it before the fee.
    public func setEnrollmentDescriptor(_ values: [Float]?, for number: StudentNumber) throws(StoreError) {
        if let values, values.count != Self.descriptorDimensions {
            throw StoreError(folder: folder, .invalidSession("an enrollment descriptor has \(Self.descriptorDimensions) values, not \(values.count)"))
        }
        let blob = values.map { values in Data(values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }) }
        let changed = try write { db in
            try db.execute(sql: "UPDATE student SET enrollmentDescriptor = ? WHERE studentNumber = ?", arguments: [blob, number.text])
            return db.changesCount
        }
        if changed == 0 { throw StoreError(folder: folder, .unknownStudent(number)) }
    }

    /// The enrollment descriptor of a student, or nil when the roster carries none.
    public func enrollmentDescriptor(of number: StudentNumber) throws(StoreError) -> [Float]? {
        let blob = try read { db in
            try Data.fetchOne(db, sql: "SELECT enrollmentDescriptor FROM student WHERE studentNumber = ?", arguments: [number.text])
        }
        guard let blob else { return nil }
        let bytes = Array(blob)
        return stride(from: 0, to: bytes.count, by: 4).map { offset in
            let bits = bytes[offset..<offset + 4].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
            return Float(bitPattern: bits)
        }
    }

    /// FaceKit's descriptor length (the store does not link FaceKit).
    static let descriptorDimensions = 128
}
