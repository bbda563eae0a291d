import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import StationSync
import SyncWire

/// The central server under load (issue 15): the real `kiosk-server` on a fresh store,
/// `stations` simulated stations each uploading its `photos` photos of `photoBytes` random
/// bytes in order, all stations at once, every request signed as a station signs it. Runs
/// on SQLite (a fresh data folder) and, when `postgres` names a server, on PostgreSQL (a
/// fresh database on it, dropped afterwards), one after the other in the same run. Reports
/// photos per second over the whole run, each upload's latency (median, p10, p90; p99 as a
/// figure), the server's peak resident memory (`VmHWM`), and the loss check: afterwards every
/// photo sent is held (`HEAD` 200), has one row in the `photo` table (read with `sqlite3` or
/// `psql`, from outside the server's code; `rows` should equal `photos`) and its bytes hash to
/// its name (the file on the disk, or the row's bytes hashed by PostgreSQL), with nothing
/// else beside. Target: ≥ 500 photos/s on SQLite.
public struct ServerBenchmarks: BenchmarkSuite {
    public let name = "server"
    public let summary = "Central server: many stations uploading photos at once (real kiosk-server, SQLite; PostgreSQL with --postgres)"
    public var stations: Int
    public var photos: Int
    public var photoBytes: Int
    /// A PostgreSQL server to measure too.
    public var postgres: BenchPostgres?

    public init(stations: Int = 50, photos: Int = 100, photoBytes: Int = 30_000, postgres: BenchPostgres? = nil) {
        self.stations = stations
        self.photos = photos
        self.photoBytes = photoBytes
        self.postgres = postgres
    }

    public func run(_ context: BenchmarkContext) throws -> [BenchmarkResult] {
        var results = [try measure(on: .folder)]
        if let postgres {
            results.append(try measure(on: .postgres(postgres)))
        }
        return results
    }

    private func measure(on store: BenchStore) throws -> BenchmarkResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bench-server-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: "\(folder)/credentials", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try BenchServerProcess(folder: "\(folder)/data", store: store)
        defer { server.removeStore() }
        var credentials: [StationCredentials] = []
        for index in 0..<stations {
            let file = "\(folder)/credentials/station-\(index).env"
            try server.addStation(name: "bench-\(index)", school: "BENCH", credentialsFile: file)
            credentials.append(try StationCredentials.read(fileAt: file))
        }
        try server.start()
        defer { server.stop() }
        let load = LoadRun(base: server.base, credentials: credentials, photos: photos, photoBytes: photoBytes)
        let outcome = try blockingWait { try await load.run() }
        let peak = server.peakResidentBytes()
        server.stop()
        let kept = try server.keptPhotos(sent: outcome.sent)
        let lost = outcome.sent.subtracting(outcome.held).union(outcome.sent.subtracting(kept.good))
            .union(outcome.sent.subtracting(kept.rows)).count
        let sorted = outcome.latencies.sorted()
        var figures: [String: Double] = [
            "photos/s": Double(outcome.sent.count) / outcome.seconds,
            "p99 ms": sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * 0.99))],
            "lost": Double(lost),
            "failed uploads": Double(outcome.failures),
            "stray": Double(kept.stray),
            "rows": Double(kept.rows.count),
            "stations": Double(stations),
            "photos": Double(outcome.sent.count),
        ]
        if let peak { figures["server peak RSS MB"] = (peak / 1_048_576).rounded() }
        return BenchmarkResult(suite: name, name: "upload a \(photoBytes / 1000) KB photo, \(stations) stations, \(store.name)",
                               timings: outcome.latencies, figures: figures)
    }
}

/// What the load run saw: the photos sent, those the server says it holds afterwards, each
/// upload's latency, the uploads not answered 201, and the wall time of the uploads.
struct LoadOutcome: Sendable {
    var sent: Set<String> = []
    var held: Set<String> = []
    var latencies: [Double] = []
    var failures = 0
    var seconds = 0.0
}

/// The stations' uploads, all at once over one HTTP client with a connection per station.
struct LoadRun: Sendable {
    var base: String
    var credentials: [StationCredentials]
    var photos: Int
    var photoBytes: Int

    func run() async throws -> LoadOutcome {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = credentials.count
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            var outcome = LoadOutcome()
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: LoadOutcome.self) { group in
                for (index, station) in credentials.enumerated() {
                    group.addTask { try await upload(station: station, seed: UInt64(index) &+ 1, client: client) }
                }
                for try await one in group {
                    outcome.sent.formUnion(one.sent)
                    outcome.latencies += one.latencies
                    outcome.failures += one.failures
                }
            }
            outcome.seconds = Self.seconds(ContinuousClock.now - start)
            let sent = outcome.sent.sorted()
            try await withThrowingTaskGroup(of: Set<String>.self) { group in
                for (index, station) in credentials.enumerated() {
                    let share = stride(from: index, to: sent.count, by: credentials.count).map { sent[$0] }
                    group.addTask { try await held(share, askedBy: station, client: client) }
                }
                for try await one in group { outcome.held.formUnion(one) }
            }
            try await client.shutdown()
            return outcome
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// One station's photos, PUT in order, each timed from the request to the whole answer.
    private func upload(station: StationCredentials, seed: UInt64, client: HTTPClient) async throws -> LoadOutcome {
        var outcome = LoadOutcome()
        // Random bytes from a per-station generator (fast, and unique across stations by seed
        // mixed with a random start), so every photo has its own hash.
        var generator = SplitMix(state: seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64.random(in: .min ... .max))
        for _ in 0..<photos {
            let bytes = generator.bytes(photoBytes)
            let sha256 = SHA256.hash(data: bytes).hexString
            let start = ContinuousClock.now
            let status = try await send(.PUT, "/v1/photos/\(sha256)", body: bytes, station: station, client: client)
            outcome.latencies.append(Self.seconds(ContinuousClock.now - start) * 1e3)
            outcome.sent.insert(sha256)
            if status != 201 { outcome.failures += 1 }
        }
        return outcome
    }

    /// Which of `photos` the server answers `HEAD` 200 for, asked as `station`.
    private func held(_ photos: [String], askedBy station: StationCredentials, client: HTTPClient) async throws -> Set<String> {
        var held: Set<String> = []
        for sha256 in photos where try await send(.HEAD, "/v1/photos/\(sha256)", body: [], station: station, client: client) == 200 {
            held.insert(sha256)
        }
        return held
    }

    private func send(_ method: HTTPMethod, _ path: String, body: [UInt8], station: StationCredentials, client: HTTPClient) async throws -> Int {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        let signature = RequestSignature(stationId: station.stationId, secret: station.secret, method: method.rawValue,
                                         pathAndQuery: path, body: body, time: Date())
        for header in signature.headers { request.headers.add(name: header.name, value: header.value) }
        if !body.isEmpty {
            request.headers.add(name: "Content-Type", value: "image/jpeg")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

/// The blob folder after the run: the files whose bytes hash to their name and that were
/// sent, and how many other files lie there (temporary files left, photos not sent).
enum BlobCheck {
    static func verify(folder: String, sent: Set<String>) throws -> (good: Set<String>, stray: Int) {
        var good: Set<String> = []
        var stray = 0
        guard let walk = FileManager.default.enumerator(atPath: folder) else { return (good, 0) }
        for case let relative as String in walk {
            let path = "\(folder)/\(relative)"
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            if relative.hasSuffix(".jpg"), sent.contains(name), SHA256.hash(data: bytes).hexString == name, !good.contains(name) {
                good.insert(name)
            } else {
                stray += 1
            }
        }
        return (good, stray)
    }
}

/// SplitMix64: a tiny fast generator for the photos' random bytes (not for secrets).
struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < count {
                var word = next()
                let take = min(8, count - offset)
                withUnsafeBytes(of: &word) { raw.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: take) }
                offset += take
            }
        }
        return bytes
    }
}

/// The result handed from the task to the waiting thread (written before the semaphore's
/// signal, read after its wait).
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// Runs async work from the synchronous suite interface and waits for it.
func blockingWait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}
