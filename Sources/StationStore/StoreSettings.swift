/// The store's settings, as the station's file will set them (`store`).
public struct StoreSettings: Codable, Sendable, Hashable {
    /// The store's folder: the database, `photos/` and `set-aside/`.
    public var folder = "station-store"
    /// How long the full-resolution source frame of an accepted photo is kept for audit.
    public var sourceFrameRetentionDays = 90
    /// How long the station keeps its copy of a photo after the server confirmed receiving
    /// it (`kiosk purge` removes it then).
    public var confirmedPhotoRetentionDays = 30
    /// Below this much free space the station takes no new student (a session needs a few MB).
    public var minimumFreeMegabytes = 200

    public init() {}

    public static let standard = StoreSettings()

    /// The first setting that cannot work, or nil (keys relative to `store`).
    public func invalidSetting() -> (key: String, reason: String, related: [String])? {
        if folder.isEmpty { return ("folder", "is empty; it must name a folder", []) }
        if !(1...3650).contains(sourceFrameRetentionDays) {
            return ("sourceFrameRetentionDays", "is \(sourceFrameRetentionDays); it must be from 1 to 3650 days", [])
        }
        if !(0...3650).contains(confirmedPhotoRetentionDays) {
            return ("confirmedPhotoRetentionDays", "is \(confirmedPhotoRetentionDays); it must be from 0 to 3650 days", [])
        }
        if !(10...100_000).contains(minimumFreeMegabytes) {
            return ("minimumFreeMegabytes", "is \(minimumFreeMegabytes); it must be from 10 to 100000", [])
        }
        return nil
    }
}
