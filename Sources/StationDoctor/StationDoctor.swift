import Foundation
import LiveStation
import StationSync

/// What `kiosk doctor` checks and the daemon's status line shows: one finding per thing an
/// operator can get wrong, each with its fix (docs/doctor.md).
public enum StationDoctor {
    /// What to examine: the settings file, and the server and credentials when given apart
    /// from it (as `kiosk sync` takes them).
    public struct Subject: Sendable {
        /// The station's settings file (nil: the built-in defaults).
        public var settingsFile: String?
        /// The server's address over the settings file's `sync.server`.
        public var server: String?
        /// The credentials file over the settings file's `sync.credentialsFile`.
        public var credentialsFile: String?
        /// How long the camera may take to send its first frame.
        public var frameWait: Duration

        public init(settingsFile: String?, server: String? = nil, credentialsFile: String? = nil, frameWait: Duration = .seconds(5)) {
            self.settingsFile = settingsFile
            self.server = server
            self.credentialsFile = credentialsFile
            self.frameWait = frameWait
        }
    }

    /// Every check, in the order an operator mends them: settings, camera, models, store,
    /// clock, server, outbox. Reads only; the station may be running meanwhile.
    public static func examine(_ subject: Subject, now: Date = Date()) -> [Finding] {
        let (settings, settingsFinding) = SettingsCheck.load(subject.settingsFile)
        var findings = [settingsFinding]
        findings += CameraCheck.run(settings.camera, frameWait: subject.frameWait)
        findings += FaceModelCheck.run(settings)
        findings.append(StoreFolderCheck.run(settings.store))
        let (database, records) = DatabaseCheck.run(settings.store)
        findings.append(database)
        findings.append(ClockCheck.run(now: now, newestRecord: records?.newest))
        var sync = settings.sync
        if let server = subject.server { sync.server = server }
        if let credentials = subject.credentialsFile { sync.credentialsFile = credentials }
        findings += ServerCheck.run(sync)
        if let records { findings.append(OutboxCheck.run(records, now: now)) }
        return findings
    }
}
