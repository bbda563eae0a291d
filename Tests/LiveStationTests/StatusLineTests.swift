import Capture
import FaceKit
import Foundation
import LiveStation
import StationStore
import TerminalUI
import Testing

/// The text of `row`, wide characters once.
private func text(of grid: CellGrid, row: Int) -> String {
    var scalars = String.UnicodeScalarView()
    for column in 0..<grid.columns where grid[column, row].width != 0 { scalars.append(grid[column, row].scalar) }
    return String(scalars).trimmingCharacters(in: .whitespaces)
}

/// The colour of the cell where `part` starts on `row`.
private func colour(of part: String, in grid: CellGrid, row: Int) -> TerminalColor? {
    let line = text(of: grid, row: row)
    guard let range = line.range(of: part) else { return nil }
    let prefixWidth = DisplayWidth.of(line[..<range.lowerBound])
    let start = (0..<grid.columns).first { grid[$0, row].scalar != " " } ?? 0
    return grid[start + prefixWidth, row].foreground
}

private let reducer = ColorReducer(mode: .trueColor)
private let red = reducer.convert(.rgb(235, 50, 50)), grey = reducer.convert(.rgb(150, 150, 150))
private let utc = TimeZone(identifier: "UTC")!

@Suite("Status line")
struct StatusLineTests {
    private let content = ScreenContent(headline: "按回车开始拍照", subline: "Press Enter to start", footer: "Enter 开始 start · q 关机 quit")

    @Test func theBottomRowShowsEachPartAndTheScreenSitsAboveIt() {
        let status = StationStatus(syncing: true)
        status.camera(ok: true)
        status.outbox(waiting: 2, held: 0)
        status.sync(.recordSent(receiptCode: "K7", stored: true), at: Date(timeIntervalSince1970: 9 * 3600 + 5 * 60))
        let grid = StatusLine.adding(StatusLine.parts(status.snapshot, timeZone: utc),
                                     below: GuidanceScreen(reducer: reducer).compose(content, columns: 100, rows: 29), reducer: reducer)
        #expect(grid.rows == 30)
        #expect(text(of: grid, row: 29) == "摄像头 camera ok · 存储 store ok · 待传 outbox 2 · 同步 sync 09:05")
        // The guidance keeps its own rows: the footer just above the status, the banner above the checks.
        #expect(text(of: grid, row: 28) == "Enter 开始 start · q 关机 quit")
        #expect(text(of: grid, row: 25) == "按回车开始拍照")
        #expect(colour(of: "摄像头", in: grid, row: 29) == grey)
    }

    @Test func aLostCameraARefusingStoreHeldEntriesAndAFailingSyncAreRed() {
        let status = StationStatus(syncing: true)
        status.sync(.photoSent(receiptCode: "K7", sha256: "ab", stored: true), at: Date(timeIntervalSince1970: 23 * 3600 + 59 * 60))
        status.sync(.failed(reason: "connection refused", retryIn: 2, networkAway: true))
        status.camera(ok: false)
        status.store(problem: "the disk is full")
        status.outbox(waiting: 3, held: 1)
        let grid = StatusScreen(reducer: reducer, status: status).compose(content, columns: 110, rows: 30)
        let line = text(of: grid, row: 29)
        // (the last sync's time is in the machine's time zone)
        #expect(line.hasPrefix("摄像头 camera LOST · 存储 store REFUSING · 待传 outbox 3 (1 held) · 同步 sync offline (last "), "\(line)")
        for part in ["摄像头 camera LOST", "存储 store REFUSING", "待传 outbox 3", "同步 sync offline"] {
            #expect(colour(of: part, in: grid, row: 29) == red, "\(part) is not red")
        }
    }

    @Test func theSyncReadsOffWithoutAServerAndWaitsBeforeItsFirstAnswer() {
        #expect(StatusLine.parts(StationStatus(syncing: false).snapshot).last == StatusLine.Part("同步", "sync off"))
        let syncing = StationStatus(syncing: true)
        #expect(StatusLine.parts(syncing.snapshot).last?.text == "sync …")
        syncing.sync(.failed(reason: "refused", retryIn: 1, networkAway: true))
        #expect(StatusLine.parts(syncing.snapshot).last == StatusLine.Part("同步", "sync offline", alarm: true))
        #expect(StatusLine.parts(syncing.snapshot).first?.text == "camera …")
    }

    @Test func aNarrowScreenShowsTheEnglishWordsAlone() {
        let status = StationStatus(syncing: false)
        let grid = StatusScreen(reducer: reducer, status: status).compose(content, columns: 60, rows: 20)
        #expect(text(of: grid, row: 19) == "camera … · store ok · outbox 0 · sync off")
    }

    @Test func aScreenTooSmallForTheGuidanceGetsNoStatusRow() {
        let status = StationStatus(syncing: false)
        let small = StatusScreen(reducer: reducer, status: status).compose(content, columns: 40, rows: 8)
        #expect(small == GuidanceScreen(reducer: reducer).compose(content, columns: 40, rows: 8))
    }

    @Test func theMeteredCameraTellsTheStatusAFrameCame() throws {
        let status = StationStatus(syncing: false)
        let frames = MeteredFrameSource(try SourceSpec(parsing: "pattern:160x120@30").open(), meters: .init(), status: status)
        defer { frames.stop() }
        #expect(status.snapshot.camera == .unknown)
        _ = try frames.nextFrame(timeout: .seconds(2))
        #expect(status.snapshot.camera == .ok)
        #expect(frames.statistics.delivered == 1)
    }
}

/// A display that asks the station to stop once it has shown `stopAfter` screens.
private final class StoppingDisplay: StationDisplay {
    private(set) var shown = 0
    let stopAfter: Int
    init(stopAfter: Int) { self.stopAfter = stopAfter }
    func show(_ content: ScreenContent) { shown += 1 }
    func keys(waitMilliseconds: Int32) -> [Key] {
        Thread.sleep(forTimeInterval: Double(waitMilliseconds) / 1000)
        return []
    }
    var stopRequested: Bool { shown >= stopAfter }
}

@Suite("Stop request")
struct StopRequestTests {
    @Test func aRequestIsSeenFromAnotherThread() async {
        let request = StopRequest()
        #expect(!request.isRequested)
        await Task.detached { request.request() }.value
        #expect(request.isRequested)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: FaceModels.standard.landmarks68.path), "Debian's 68-point model"))
    func theStationLoopEndsAtTheNextScreenAfterAStopRequest() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stop-request-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var settings = StoreSettings()
        settings.folder = folder.path
        settings.minimumFreeMegabytes = 10
        let store = try StationStore(settings: settings)
        let frames = try SourceSpec(parsing: "pattern:160x120@30").open()
        defer { frames.stop() }
        let display = StoppingDisplay(stopAfter: 3)
        let options = LiveSession.Options()
        var loop = StationLoop(display: display, frames: frames,
                               live: LiveSession(display: display, frames: frames, detector: try FaceDetector(models: .standard), options: options),
                               options: options,
                               parts: .init(store: store, fees: .standard, session: .standard, identityCheck: nil, operatorName: "王老师"))
        // The start screen redraws every 100 ms: without the request it would draw ~300 screens in 30 s.
        try loop.run(duration: 30)
        #expect(display.shown == 3)
        #expect(loop.receipts.isEmpty)
    }
}
