import Foundation
import KioskProgram
import Logging
import Metrics
import Prometheus
import StationMetrics
import Testing

/// The value of the sample `name` (with its labels as written, e.g. `{clause="eyes"}`) in a scrape.
func sample(_ name: String, in text: String) -> Double? {
    text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last!) }
}

@Suite("Station metrics")
struct MetricsExportTests {
    @Test func everyFigureIsExportedWithItsHelpTypeAndValue() {
        let factory = StationMetricsFactory()
        let meters = StationMeters(factory: factory)
        meters.framesTaken(3, skipped: 2)
        meters.analysed(in: .milliseconds(40))
        meters.analysed(in: .milliseconds(400))
        meters.captured(failedClauses: ["eyes-open", "background"])
        meters.captured(failedClauses: ["eyes-open"])
        meters.accepted()
        meters.outbox(waiting: 4, held: 1)
        meters.synced(atUnixTime: 1_790_000_000)
        let text = factory.registry.emitToString()

        for metric in StationMetric.allCases {
            #expect(text.contains("# HELP \(metric.rawValue) \(metric.help)\n"), "\(metric.rawValue) has no help line:\n\(text)")
        }
        #expect(text.contains("# TYPE kiosk_frames_total counter"))
        #expect(text.contains("# TYPE kiosk_frame_analysis_seconds histogram"))
        #expect(text.contains("# TYPE kiosk_outbox_entries gauge"))
        #expect(sample("kiosk_frames_total", in: text) == 3)
        #expect(sample("kiosk_frames_dropped_total", in: text) == 2)
        #expect(sample("kiosk_captures_total", in: text) == 2)
        #expect(sample("kiosk_acceptances_total", in: text) == 1)
        #expect(sample(#"kiosk_check_failures_total{clause="eyes-open"}"#, in: text) == 2)
        #expect(sample(#"kiosk_check_failures_total{clause="background"}"#, in: text) == 1)
        #expect(sample(#"kiosk_outbox_entries{state="waiting"}"#, in: text) == 4)
        #expect(sample(#"kiosk_outbox_entries{state="held"}"#, in: text) == 1)
        #expect(sample("kiosk_last_sync_timestamp_seconds", in: text) == 1_790_000_000)
        // Seconds, in the station's buckets: 40 ms under 50 ms, 400 ms only from 500 ms.
        #expect(sample("kiosk_frame_analysis_seconds_count", in: text) == 2)
        #expect(sample(#"kiosk_frame_analysis_seconds_bucket{le="0.05"}"#, in: text) == 1)
        #expect(sample(#"kiosk_frame_analysis_seconds_bucket{le="0.5"}"#, in: text) == 2)
        let sum = sample("kiosk_frame_analysis_seconds_sum", in: text) ?? 0
        #expect(abs(sum - 0.44) < 1e-9)
    }

    @Test func theLastSyncReadsZeroBeforeTheFirst() {
        let factory = StationMetricsFactory()
        _ = StationMeters(factory: factory)
        #expect(sample("kiosk_last_sync_timestamp_seconds", in: factory.registry.emitToString()) == 0)
    }

    @Test(arguments: [("127.0.0.1:9464", "127.0.0.1", 9464), ("localhost:0", "localhost", 0), ("[::1]:9100", "::1", 9100),
                      ("0.0.0.0:65535", "0.0.0.0", 65535)])
    func listenAddressesAreRead(text: String, host: String, port: Int) throws {
        let address = try #require(ListenAddress(text))
        #expect(address.host == host && address.port == port)
        #expect(address.description == text)
    }

    @Test(arguments: ["9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", ":9464", "::1:9464", "[::1]9464",
                      "[]:80", "local host:80"])
    func otherTextIsNotAListenAddress(text: String) {
        #expect(ListenAddress(text) == nil)
        var settings = MetricsSettings()
        settings.listen = text
        #expect(settings.invalidSetting()?.key == "listen")
    }

    @Test func anEmptyListenSwitchesTheEndpointOff() {
        var settings = MetricsSettings()
        #expect(settings.address == ListenAddress("127.0.0.1:9464"))
        settings.listen = ""
        #expect(settings.address == nil && settings.invalidSetting() == nil)
    }

    /// The endpoint on a free loopback port, read by curl as Prometheus would.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl"))
    func theEndpointServesTheRegistryOverLoopback() async throws {
        let factory = StationMetricsFactory()
        StationMeters(factory: factory).framesTaken(7)
        let (urls, heard) = AsyncStream.makeStream(of: String.self)
        let endpoint = MetricsEndpoint(address: ListenAddress("127.0.0.1:0")!, registry: factory.registry,
                                       logger: Logger(label: "test")) { heard.yield($0) }
        let server = Task { try await endpoint.run() }
        defer { server.cancel() }
        var iterator = urls.makeAsyncIterator()
        let url = try #require(await iterator.next())
        #expect(url.hasPrefix("http://127.0.0.1:") && url.hasSuffix("/metrics") && !url.hasPrefix("http://127.0.0.1:0/"))
        let headers = try KioskProgram.output(of: "/usr/bin/curl", ["-sS", "-D", "-", "-o", "/dev/null", url])
        #expect(headers.hasPrefix("HTTP/1.1 200"))
        #expect(headers.lowercased().contains("content-type: text/plain; version=0.0.4"))
        let body = try KioskProgram.output(of: "/usr/bin/curl", ["-sS", "--fail", url])
        #expect(sample("kiosk_frames_total", in: body) == 7)
        #expect(body.contains("# HELP kiosk_frames_total "))
    }
}
