import ArgumentParser
import CentralServer
import CentralStore
import Foundation
import Hummingbird
import Logging
import ServiceNotify

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the stations' API (docs/sync-api.md) until stopped (SIGINT or SIGTERM).",
        discussion: """
            Prints one line, "listening on http://HOST:PORT", on standard output once it takes connections (with \
            --port 0 the port is one the system picked); its log goes to standard error. \
            Exit status: 0 stopped by a signal; 2 the data folder or database cannot be used or the port cannot be bound.
            """
    )

    @OptionGroup var storeOption: StoreOption

    @Option(help: "The address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = 8080

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port (0 to 65535)") }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let host = host
        let port = port
        let logger = Logger(label: "kiosk-server")
        try await storeOption.withStore(logger: logger) { store in
            try await Self.serve(store, host: host, port: port, logger: logger)
        }
    }

    /// Serves the API on `store` until a signal stops the server.
    private static func serve(_ store: any CentralStore, host: String, port: Int, logger: Logger) async throws {
        let systemd = ServiceNotifier()
        let app = Application(
            router: CentralServer.router(store: store).router,
            configuration: .init(address: .hostname(host, port: port), serverName: "kiosk-server"),
            onServerRunning: { channel in
                // Straight to the file descriptor: a pipe reader sees it at once, no buffer to flush.
                let address = "http://\(host):\(channel.localAddress?.port ?? 0)"
                FileHandle.standardOutput.write(Data("listening on \(address)\n".utf8))
                // Under systemd (Type=notify) the unit counts as started only now.
                try? systemd.ready(status: "serving on \(address)")
            },
            logger: logger
        )
        do {
            try await app.runService()
            try? systemd.stopping()
        } catch {
            throw CommandFailure(status: 2, "cannot serve on \(host):\(port): \(error)")
        }
    }
}
