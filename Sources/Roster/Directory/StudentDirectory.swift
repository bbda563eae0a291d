/// Where the station looks students up: the store in the station, any value in tests of
/// the parts above it.
public protocol StudentDirectory {
    /// The key the directory's tails are hashed with.
    var idTailKey: IDTailKey { get }
    /// The student with this number, or nil.
    func student(_ number: StudentNumber) throws -> RosterEntry?
    /// The student's own progress: what the station and the server know of their photo.
    func progress(of number: StudentNumber) throws -> StudentProgress
}

extension StudentDirectory {
    /// The student whose number and ID tail both match, or nil when either does not.
    ///
    /// The one identification rule: an unknown number and a wrong tail give the same nil,
    /// and the tail is compared even when the number is unknown, so that neither the answer
    /// nor its time says whether a student number exists.
    public func identify(_ number: StudentNumber, tail: IDTail) throws -> RosterEntry? {
        let typed = idTailKey.hash(tail)
        let entry = try student(number)
        let matches = typed.matches(entry?.idTailHash ?? Self.decoy)
        return matches ? entry : nil
    }

    private static var decoy: IDTailHash { IDTailHash(bytes: [UInt8](repeating: 0, count: 32))! }
}

/// A student's progress as the look-up screen shows it.
public struct StudentProgress: Sendable, Hashable {
    /// Accepted photos the station has saved for this student.
    public var photosSaved: Int
    /// Of those, how many the server has confirmed receiving.
    public var photosSent: Int
    public var review: ReviewStatus
    public var retakeOwed: Bool

    public init(photosSaved: Int, photosSent: Int, review: ReviewStatus, retakeOwed: Bool) {
        self.photosSaved = photosSaved
        self.photosSent = photosSent
        self.review = review
        self.retakeOwed = retakeOwed
    }
}
