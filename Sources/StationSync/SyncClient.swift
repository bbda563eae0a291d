import Foundation
import NIOCore
import NIOHTTP1
import StationStore
import SyncWire

/// The station's sync: sends the store's outbox to the centre in its order (a session's photo,
/// then its record), each request signed; marks an entry sent only on the server's 200/201;
/// keeps back, loudly, what the server refuses for good; backs off with jitter on failures and
/// watches `GET /v1/health` to resume within seconds of the network's return; pulls roster
/// changes and review decisions from the cursors kept in the store. Everything it needs to
/// resume is in the store, so a restart carries on where the last run stopped.
public final class SyncClient: Sendable {
    let store: StationStore
    let settings: SyncSettings
    private let transport: SignedTransport
    private let report: @Sendable (SyncEvent) -> Void

    /// How many students or decisions one download page asks for.
    static let pageSize = 500

    /// A client for `store` talking to `settings.server` as `credentials`; `report` hears
    /// every event (from any task). Nil when `settings.server` is not an address.
    public init?(store: StationStore, settings: SyncSettings, credentials: StationCredentials,
                 report: @escaping @Sendable (SyncEvent) -> Void) {
        guard let server = ServerAddress(settings.server) else { return nil }
        self.store = store
        self.settings = settings
        self.report = report
        transport = SignedTransport(server: server, credentials: credentials, settings: settings)
    }

    /// Closes the client's connections; call once when done.
    public func shutdown() async {
        await transport.shutdown()
    }

    /// How a pass over the outbox and the downloads ended.
    public enum RoundOutcome: Sendable, Hashable {
        case done
        /// It stopped at a failure a later attempt may get past; `networkAway`: no answer at
        /// all (refused, unreachable), as opposed to an answer that was an error or a time-out.
        case failed(reason: String, networkAway: Bool)
    }

    /// How `run` ended.
    public enum RunOutcome: Sendable, Hashable {
        /// Everything sendable is sent and the downloads are current (`held` entries kept back).
        case upToDate(held: Int)
        /// The deadline passed first; the last failure.
        case gaveUp(reason: String)
        case cancelled
    }

    /// Syncs until up to date (`untilUpToDate`, as `kiosk sync --once` does; giving up at
    /// `deadline`) or until the task is cancelled (`untilUpToDate: false`, the station's
    /// service): rounds of outbox and downloads, waits with back-off after failures.
    public func run(untilUpToDate: Bool, deadline: Date? = nil) async -> RunOutcome {
        var backoff = Backoff(first: settings.firstRetrySeconds, longest: settings.longestRetrySeconds)
        var random = SystemRandomNumberGenerator()
        var lastPull = Date.distantPast
        var lastFailure = ""
        while !Task.isCancelled {
            if let deadline, Date() >= deadline { return .gaveUp(reason: lastFailure) }
            let pull = Date().timeIntervalSince(lastPull) >= settings.pullSeconds || untilUpToDate
            switch await round(pull: pull) {
            case .done:
                if pull { lastPull = Date() }
                backoff.reset()
                let held = (try? store.outboxCounts().held) ?? 0
                if untilUpToDate {
                    report(.upToDate(held: held))
                    return .upToDate(held: held)
                }
                guard await pause(settings.probeSeconds) else { return .cancelled }
            case let .failed(reason, networkAway):
                lastFailure = reason
                var wait = backoff.next(using: &random)
                if let deadline { wait = min(wait, max(0, deadline.timeIntervalSinceNow)) }
                report(.failed(reason: reason, retryIn: wait, networkAway: networkAway))
                guard await waitForServer(upTo: wait, networkAway: networkAway) else { return .cancelled }
            }
        }
        return .cancelled
    }

    /// One pass: the outbox in order until it is empty or something fails, then (when
    /// `pull`) the roster's and the decisions' new pages.
    public func round(pull: Bool) async -> RoundOutcome {
        do {
            while true {
                let entries = try store.pendingOutbox(limit: 50)
                if entries.isEmpty { break }
                var heldSessions: Set<Int64> = []
                for entry in entries where !heldSessions.contains(entry.sessionId) {
                    switch try await send(entry) {
                    case .sent: continue
                    case .held: heldSessions.insert(entry.sessionId)
                    case let .failed(reason, away): return .failed(reason: reason, networkAway: away)
                    }
                }
            }
            if pull {
                let students = try await download(SyncAPI.roster, Page<RosterStudent>.self) { try store.applyRoster($0) }
                let decisions = try await download(SyncAPI.decisions, Page<ReviewDecision>.self) { try store.applyDecisions($0) }
                if students + decisions > 0 { report(.pulled(students: students, decisions: decisions)) }
            }
            return .done
        } catch let failure as RoundFailure {
            return .failed(reason: failure.reason, networkAway: failure.networkAway)
        } catch {
            return .failed(reason: "\(error)", networkAway: false)
        }
    }

    // MARK: The outbox

    private enum Step {
        case sent
        case held
        case failed(String, networkAway: Bool)
    }

    /// A failure that ends the round (thrown inside it).
    private struct RoundFailure: Error {
        var reason: String
        var networkAway: Bool
    }

    private func send(_ entry: OutboxEntry) async throws -> Step {
        switch entry.content {
        case let .photo(hash, path):
            try await sendPhoto(entry, hash: hash, path: path, resend: false)
        case .session:
            try await sendRecord(entry)
        }
    }

    /// PUTs a photo after checking the file still holds the bytes its record names (a file
    /// damaged on this disk is held, never sent); `resend`: the server asked for it again,
    /// and the entry may be marked sent already.
    private func sendPhoto(_ entry: OutboxEntry, hash: ContentHash, path: String, resend: Bool) async throws -> Step {
        let receipt = entry.receiptCode
        if let damage = damage(of: path, expected: hash) {
            return try hold(entry, reason: damage, conflict: false)
        }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            return try hold(entry, reason: "the photo file \(path) cannot be read", conflict: false)
        }
        let answer = try await ask(.PUT, SyncAPI.photo(hash.hex), body: Array(bytes))
        switch answer.status {
        case 200, 201:
            if !resend { try store.markSent(entry.sequence, at: Date()) }
            report(.photoSent(receiptCode: receipt, sha256: hash.hex, stored: answer.status == 201))
            return .sent
        case 422:
            // The server hashed other bytes than these: damaged here since the check above,
            // or on the way. The file decides which.
            if let damage = damage(of: path, expected: hash) {
                return try hold(entry, reason: damage, conflict: false)
            }
            return .failed("the photo of \(receipt) reached the server damaged (\(answer.summary)); the file here is whole, sending again",
                           networkAway: false)
        case 400, 403, 413:
            return try hold(entry, reason: "the server refused the photo: \(answer.summary)", conflict: false)
        default:
            return .failed("the server answered \(answer.summary) to the photo of \(receipt)", networkAway: false)
        }
    }

    /// PUTs a session's record; on `photo-missing` sends the session's photos again first.
    private func sendRecord(_ entry: OutboxEntry) async throws -> Step {
        let receipt = entry.receiptCode
        let upload = try store.sessionUpload(forSession: entry.sessionId)
        let body = Array(try WireCoding.encoder().encode(upload))
        var resent = false
        while true {
            let answer = try await ask(.PUT, SyncAPI.record(upload.id), body: body)
            switch (answer.status, answer.wireError?.code) {
            case (200, _), (201, _):
                try store.markSent(entry.sequence, at: Date())
                report(.recordSent(receiptCode: receipt, stored: answer.status == 201))
                return .sent
            case (409, .photoMissing?) where !resent:
                resent = true
                for photo in try store.outboxPhotos(ofSession: entry.sessionId) {
                    guard case let .photo(hash, path) = photo.content else { continue }
                    report(.photoResent(receiptCode: receipt, sha256: hash.hex))
                    let step = try await sendPhoto(photo, hash: hash, path: path, resend: true)
                    guard case .sent = step else { return step }
                }
            case (409, .conflict?):
                return try hold(entry, reason: "the server holds a different record under this session's id "
                    + "\(upload.id.uuidString.lowercased()) (\(answer.summary)); neither is overwritten: tell the centre", conflict: true)
            case (400, _), (403, _), (413, _):
                return try hold(entry, reason: "the server refused the record: \(answer.summary)", conflict: false)
            default:
                return .failed("the server answered \(answer.summary) to the record of \(receipt)", networkAway: false)
            }
        }
    }

    /// Why the file at `path` is not the photo `expected` names, or nil when it is.
    private func damage(of path: String, expected: ContentHash) -> String? {
        guard let found = ContentHash.ofFile(atPath: path) else {
            return "the photo file \(path) is missing or unreadable; restore it from a copy, then run kiosk sync --retry-held"
        }
        guard found == expected else {
            return "the photo file \(path) is damaged on this disk (\(found), the record says \(expected)); "
                + "restore it from a copy, then run kiosk sync --retry-held"
        }
        return nil
    }

    private func hold(_ entry: OutboxEntry, reason: String, conflict: Bool) throws -> Step {
        try store.hold(entry.sequence, reason: reason, at: Date())
        report(.held(receiptCode: entry.receiptCode, reason: reason, conflict: conflict))
        return .held
    }

    // MARK: Downloads

    /// Fetches the pages of a feed after the store's cursor and hands each to `apply`, which
    /// keeps it with its cursor. Returns how many items came.
    private func download<Item: Codable & Sendable & Hashable>(_ path: String, _ type: Page<Item>.Type,
                                                                 apply: (Page<Item>) throws -> Int) async throws -> Int {
        let feed: SyncFeed = path == SyncAPI.roster ? .roster : .decisions
        var count = 0
        while true {
            let cursor = try store.syncCursor(feed)
            let answer = try await ask(.GET, "\(path)?cursor=\(cursor)&limit=\(Self.pageSize)")
            guard answer.status == 200 else {
                throw RoundFailure(reason: "the server answered \(answer.summary) to the \(feed.rawValue) download", networkAway: false)
            }
            let page: Page<Item>
            do {
                page = try WireCoding.decoder().decode(type, from: Data(answer.body))
            } catch {
                throw RoundFailure(reason: "the server's \(feed.rawValue) page does not parse (\(error.localizedDescription))", networkAway: false)
            }
            count += try apply(page)
            if !page.more || page.items.isEmpty { return count }
        }
    }

    // MARK: Waiting

    /// Sends a request; no answer ends the round.
    private func ask(_ method: HTTPMethod, _ path: String, body: [UInt8] = []) async throws -> ServerAnswer {
        do {
            return try await transport.send(method, path, body: body)
        } catch {
            throw RoundFailure(reason: error.description, networkAway: error.networkAway)
        }
    }

    /// Sleeps; false when cancelled.
    private func pause(_ seconds: Double) async -> Bool {
        do {
            try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
            return true
        } catch {
            return false
        }
    }

    /// Waits `seconds` before the next attempt, asking `GET /v1/health` every
    /// `probeSeconds` meanwhile: once the server answers after being away, the wait ends at
    /// once. A server that answers its probe but failed otherwise (errors, time-outs) gets the
    /// whole wait, so a sick server is not hammered. False when cancelled.
    private func waitForServer(upTo seconds: Double, networkAway: Bool) async -> Bool {
        let start = Date()
        var away = networkAway
        while true {
            let left = seconds - Date().timeIntervalSince(start)
            if left <= 0 { return true }
            guard await pause(min(settings.probeSeconds, left)) else { return false }
            if Date().timeIntervalSince(start) >= seconds { return true }
            if await probe() {
                if away {
                    report(.networkBack(awaySeconds: Date().timeIntervalSince(start)))
                    return true
                }
            } else {
                away = true
            }
        }
    }

    /// Whether the server answers its health probe (a bodiless GET, bounded by the probe's interval).
    private func probe() async -> Bool {
        let timeout = TimeAmount.milliseconds(Int64(max(0.5, min(settings.probeSeconds, settings.requestTimeoutSeconds)) * 1000))
        guard let answer = try? await transport.send(.GET, SyncAPI.health, timeout: timeout) else { return false }
        return answer.status == 200
    }
}
