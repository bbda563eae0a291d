import Foundation
import StationStore
import StationSync

/// The sync as a service of `kiosk run`: started with the station when its settings name a
/// server, stopped (its connections closed) when the station stops. The outbox is in the store,
/// so whatever is not sent when it stops goes at the next start.
final class StationSyncService: Sendable {
    private let client: SyncClient
    private let task: Task<Void, Never>

    /// Starts the sync, or nil when no server is set. Events go to `log` (a line each).
    /// Throws a `CommandFailure` (status 1) for credentials the sync cannot use: a station
    /// told to sync must not run silently unsynced.
    static func start(store: StationStore, settings: SyncSettings, log: @escaping @Sendable (String) -> Void) throws -> StationSyncService? {
        guard !settings.server.isEmpty else { return nil }
        let credentials: StationCredentials
        do {
            credentials = try StationCredentials.read(fileAt: settings.credentialsFile)
        } catch {
            throw CommandFailure(status: 1, "sync: \(error) (or remove sync.server from the settings file to run offline)")
        }
        guard let client = SyncClient(store: store, settings: settings, credentials: credentials, report: { log("sync: \($0)") }) else {
            throw CommandFailure(status: 1, "sync.server \(settings.server) is not an address: give http://HOST:PORT")
        }
        return StationSyncService(client: client)
    }

    private init(client: SyncClient) {
        self.client = client
        task = Task.detached { _ = await client.run(untilUpToDate: false) }
    }

    /// Stops the sync and waits until its connections are closed.
    func stop() {
        task.cancel()
        let client = client
        let task = task
        waitFor {
            await task.value
            await client.shutdown()
        }
    }
}
