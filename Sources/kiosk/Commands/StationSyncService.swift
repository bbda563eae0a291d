import Foundation
import ServiceLifecycle
import StationStore
import StationSync

/// The sync as a service of `kiosk run`'s group: it runs while the station runs when the
/// settings name a server, and on the group's shutdown stops and closes its connections. The
/// outbox is in the store, so whatever is not sent when it stops goes at the next start.
struct StationSyncService: Service {
    private let client: SyncClient

    /// The service, or nil when no server is set; `report` hears every event. Throws a
    /// `CommandFailure` (status 1) for credentials the sync cannot use: a station told to sync
    /// must not run silently unsynced.
    init?(store: StationStore, settings: SyncSettings, report: @escaping @Sendable (SyncEvent) -> Void) throws {
        guard !settings.server.isEmpty else { return nil }
        let credentials: StationCredentials
        do {
            credentials = try StationCredentials.read(fileAt: settings.credentialsFile)
        } catch {
            throw CommandFailure(status: 1, "sync: \(error) (or remove sync.server from the settings file to run offline)")
        }
        guard let client = SyncClient(store: store, settings: settings, credentials: credentials, report: report) else {
            throw CommandFailure(status: 1, "sync.server \(settings.server) is not an address: give http://HOST:PORT")
        }
        self.client = client
    }

    /// Syncs until the group shuts down (or the task is cancelled), then closes the connections.
    func run() async {
        let client = client
        _ = await cancelWhenGracefulShutdown { await client.run(untilUpToDate: false) }
        await client.shutdown()
    }

    /// The sync for a synchronous command outside a service group (`kiosk demo`): started at
    /// once, each event a line to `log`; nil when no server is set.
    static func start(store: StationStore, settings: SyncSettings, log: @escaping @Sendable (String) -> Void) throws -> Started? {
        try StationSyncService(store: store, settings: settings) { log("sync: \($0)") }.map(Started.init)
    }

    /// A sync started by `start`, until `stop`.
    final class Started: Sendable {
        private let task: Task<Void, Never>

        fileprivate init(_ service: StationSyncService) {
            task = Task.detached { await service.run() }
        }

        /// Stops the sync and waits until its connections are closed.
        func stop() {
            task.cancel()
            let task = task
            waitFor { await task.value }
        }
    }
}
