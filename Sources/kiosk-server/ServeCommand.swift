import ArgumentParser
import CentralServer
import CentralStore
import Foundation
import Hummingbird
import Logging
import ServerConfiguration
import ServiceNotify

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the stations' API (docs/sync-api.md) until stopped (SIGINT or SIGTERM).",
        discussion: """
            Prints one line, "listening on http://HOST:PORT", on standard output once it takes connections (with \
            --port 0 the port is one the system picked); its log goes to standard error. \
            Its settings come from --settings FILE (JSON5, documented in kiosk-config/server.json5), else from \
            \(ServerSettings.defaultPath) when that exists, else from the built-in defaults (127.0.0.1:8080, log level \
            info, no data place: give --data or --postgres); options on the command line win over the file. \
            Exit status: 0 stopped by a signal; 2 the data folder or database cannot be used or the port cannot be bound; \
            64 an option or the settings file is not valid (the message names the file, line and setting).
            """
    )

    @OptionGroup var storeOption: StoreOption

    @Option(help: "The address to listen on (0.0.0.0 for every interface); default the settings' listen.host, 127.0.0.1.")
    var host: String?

    @Option(help: "The port to listen on, 0 picking a free one; default the settings' listen.port, 8080.")
    var port: Int?

    @Option(help: ArgumentHelp("The least severe log level written (trace, debug, info, notice, warning, error, critical); "
        + "default the settings' logging.level, info.", valueName: "level"))
    var logLevel: Logger.Level?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port \(port) is not a port (0 to 65535)") }
    }

    func run() async throws {
        let (settings, file) = try storeOption.resolvedSettings()
        let level = logLevel ?? settings.logging.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let host = host ?? settings.listen.host
        let port = port ?? settings.listen.port
        let logger = Logger(label: "kiosk-server")
        logger.info("settings: \(file ?? "the built-in defaults and the command line")")
        try await StoreOption.withStore(settings.store, logger: logger) { store in
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

/// `--log-level` takes swift-log's own words.
extension Logger.Level: @retroactive ExpressibleByArgument {}
