/// How patient the station is with a student, as the station's file will set it (`session`).
public struct SessionSettings: Codable, Sendable, Hashable {
    /// Wrong identifications allowed before the station locks for `lockoutSeconds`.
    public var identificationTries = 3
    public var lockoutSeconds = 60.0
    /// How long each screen waits for the student before going back to the start (seconds).
    public var identifySeconds = 120.0
    public var confirmSeconds = 60.0
    public var captureSeconds = 300.0
    public var reviewSeconds = 120.0
    /// The operator may need a while to confirm a payment.
    public var feeSeconds = 600.0
    public var doneSeconds = 30.0
    public var progressSeconds = 30.0

    public init() {}

    public static let standard = SessionSettings()

    /// The first setting that cannot work, or nil (keys relative to `session`).
    public func invalidSetting() -> (key: String, reason: String, related: [String])? {
        if !(1...10).contains(identificationTries) {
            return ("identificationTries", "is \(identificationTries); it must be from 1 to 10", [])
        }
        let times: [(String, Double)] = [("lockoutSeconds", lockoutSeconds), ("identifySeconds", identifySeconds),
                                         ("confirmSeconds", confirmSeconds), ("captureSeconds", captureSeconds),
                                         ("reviewSeconds", reviewSeconds), ("feeSeconds", feeSeconds),
                                         ("doneSeconds", doneSeconds), ("progressSeconds", progressSeconds)]
        for (key, value) in times where !(5...3600).contains(value) {
            return (key, "is \(value); it must be from 5 to 3600 seconds", [])
        }
        return nil
    }
}
