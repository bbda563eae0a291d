import Capture
import Compliance
import DataCache
import EnrollmentFace
import FaceKit
import Fees
import Foundation
import IdentityCheck
import ImageKit
import LiveStation
import Roster
import ScratchDisk
import StationMetrics
import StationSession
import StationStore
import TerminalUI
import Testing

/// What a step of the script answers to a screen: key groups (each group arrives in one read
/// of the keys: a person's typing one key a group, a scanner's burst all at once), and whether
/// the step is over (the capture answers every live screen until the review).
private struct Reply {
    var keys: [[Key]]
    var stepDone = true
}

/// One step of the student's and the operator's script: its name (for the failure message) and
/// its reply to a screen, nil while it waits for another screen.
private struct Step {
    let name: String
    let reply: (ScreenContent) -> Reply?

    /// On the first screen `matches` holds for: `look` at it, then `keys`.
    static func when(_ name: String, _ matches: @escaping (ScreenContent) -> Bool,
                     look: @escaping (ScreenContent) -> Void = { _ in }, _ keys: [[Key]]) -> Step {
        Step(name: name) { screen in
            guard matches(screen) else { return nil }
            look(screen)
            return Reply(keys: keys)
        }
    }

    /// On the first screen whose headline starts with `prefix`: `look` at it, then `keys`.
    static func on(_ prefix: String, _ name: String, look: @escaping (ScreenContent) -> Void = { _ in }, _ keys: [[Key]]) -> Step {
        when(name, { $0.headline.hasPrefix(prefix) }, look: look, keys)
    }

    /// The live picture and the review: c (the operator's capture) until the photo is there,
    /// then accept it (y when its checks only warn). A failing photo quits the station, so the
    /// test ends at this step with the review's words among the headlines.
    static var capture: Step {
        Step(name: "capture") { screen in
            if screen.headline.hasPrefix("照片不合格") { return Reply(keys: [[.character("q")]], stepDone: false) }
            if screen.headline.hasPrefix("照片有") { return Reply(keys: [[.character("y")]]) }
            if screen.headline.hasPrefix("照片合格") { return Reply(keys: [[.enter]]) }
            return Reply(keys: [[.character("c")]], stepDone: false)
        }
    }
}

/// Text typed a key at a time, then Enter.
private func typed(_ text: String) -> [[Key]] { text.map { [Key.character($0)] } + [[.enter]] }

/// A display that keeps the screens and answers them along a script; after its last step, q
/// on the start screen closes the station.
private final class StudentDisplay: StationDisplay {
    private(set) var screens: [ScreenContent] = []
    private var steps: [Step]
    private var pending: [[Key]] = []

    init(_ steps: [Step]) { self.steps = steps }

    /// The step the script is waiting on, or "quit" once all are done.
    var step: String { steps.first?.name ?? "quit" }

    /// Why the script did not finish, or nil.
    var unfinished: String? {
        step == "quit" ? nil : "the session ended at step \(step); headlines: \(Set(screens.map(\.headline)))"
    }

    func show(_ content: ScreenContent) { screens.append(content) }

    func keys(waitMilliseconds: Int32) -> [Key] {
        guard let screen = screens.last else { return [] }
        if pending.isEmpty {
            if let step = steps.first {
                guard let reply = step.reply(screen) else { return [] }
                if reply.stepDone { steps.removeFirst() }
                pending = reply.keys
            } else if screen.headline.hasPrefix("按回车开始拍照") {
                pending = [[.character("q")]]
            }
        }
        guard !pending.isEmpty else { return [] }
        // A person's keys come tens of milliseconds apart (a scanner's burst would not).
        Thread.sleep(forTimeInterval: 0.04)
        return pending.removeFirst()
    }
}

/// Runs a program and returns what it printed; the test fails on a non-zero status.
private func output(_ program: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(program) \(arguments) exited \(process.terminationStatus)")
    return String(decoding: data, as: UTF8.self)
}

private let landmarkModel = FileManager.default.fileExists(atPath: FaceModels.standard.landmarks68.path)
private let tools = ["/usr/bin/qrencode", "/usr/bin/sqlite3", "/usr/bin/sha256sum"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    && (try? output("/usr/bin/env", ["which", "convert"])) != nil

/// The station loop the tests drive: default live options and fees, `session` settings, the
/// operator 王老师 signed in (nil: the station asks), and `day` as today (the fee depends on it).
private func stationLoop(_ display: any StationDisplay, _ frames: any FrameSource, store: StationStore, detector: FaceDetector,
                         identityCheck: EnrollmentFaceCheck? = nil, session: SessionSettings = .standard,
                         operatorName: String? = "王老师", day: String) -> StationLoop {
    let options = LiveSession.Options()
    return StationLoop(display: display, frames: frames, live: LiveSession(display: display, frames: frames, detector: detector, options: options),
                       options: options,
                       parts: .init(store: store, fees: .standard, session: session, identityCheck: identityCheck,
                                    operatorName: operatorName, today: { CalendarDay(day)! }))
}

/// A store in a temporary folder (removed by `cleanUp`) with 张三明 (2020123456, tail 123X) on its roster.
private func storeWithOneStudent() throws -> (store: StationStore, cleanUp: () -> Void) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("station-loop-\(UUID().uuidString)")
    var settings = StoreSettings()
    settings.folder = folder.path
    settings.minimumFreeMegabytes = 10
    let store = try StationStore(settings: settings)
    _ = try store.importRoster(text: """
        student_number,school,batch,name,id_tail,review_status,rejection_reason,retake_owed
        2020123456,北京大学,2024,张三明,123X,not-reviewed,,no
        """)
    return (store, { try? FileManager.default.removeItem(at: folder) })
}

/// A replay source playing one station frame at 10 fps (stop it, then `cleanUp`).
private func replaying(_ frame: String) throws -> (frames: any FrameSource, cleanUp: () -> Void) {
    let replay = FileManager.default.temporaryDirectory.appendingPathComponent("station-replay-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: replay, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(at: replay.appendingPathComponent("f0.jpg"),
                                               withDestinationURL: stationFrames.appendingPathComponent(frame))
    let frames = try SourceSpec(parsing: "replay:\(replay.path)@10").open()
    return (frames, { frames.stop(); try? FileManager.default.removeItem(at: replay) })
}

/// Whether a screen says anything of 张三明's record (name, school).
private func showsTheStudent(_ screen: ScreenContent) -> Bool {
    let text = ([screen.headline, screen.subline, screen.footer] + screen.checks.map(\.label)).joined(separator: " ")
    return text.contains("张") || text.contains("明") || text.contains("北京")
}

/// The screen after the last one with a picture (the live picture or the photo).
private func screenAfterThePicture(_ screens: [ScreenContent]) -> ScreenContent? {
    screens.lastIndex { $0.image != nil }.flatMap { $0 + 1 < screens.count ? screens[$0 + 1] : nil }
}

@Suite("Station loop")
struct StationLoopTests {
    /// The collection code as the national site might print it: opaque text, kept byte for byte.
    private static let code = "XJ2024:9f8e7d6c5b4a39281706+/=Zq"

    /// 张三明 identified by the keypad (the operator types the code in the third field) and
    /// the record confirmed: the steps up to the live picture.
    private static var identifiedAtTheKeypad: [Step] {
        [.on("按回车开始拍照", "start", [[.enter]] + typed("2020123456") + typed("123X") + typed(code)),
         .on("请核对", "confirm", [[.enter]])]
    }

    @Test(.enabled(if: landmarkModel && stationFramesPresent && tools,
                   "the 68-point model, \(stationFramesMissing), or qrencode / ImageMagick / sqlite3 / sha256sum"))
    func aWholeSessionFromRosterToReceiptAndTheProgressLookUpAfterIt() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("station-loop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        // The roster, imported from a CSV file as `kiosk roster import` does.
        let roster = work.appendingPathComponent("roster.csv")
        try Data("""
            student_number,school,batch,name,id_tail,review_status,rejection_reason,retake_owed
            2020123456,北京大学,2024,张三明,123X,not-reviewed,,no
            2020123457,北京大学,2024,欧阳春华,0011,not-reviewed,,no

            """.utf8).write(to: roster)
        var settings = StoreSettings()
        settings.folder = work.appendingPathComponent("store").path
        settings.minimumFreeMegabytes = 10
        let store = try StationStore(settings: settings)
        #expect(try store.importRoster(fileAt: roster.path).added == 2)

        // The student holds the collection code up beside them: a QR made by Debian's qrencode,
        // pasted into the replayed camera frame outside the photo's crop.
        let qr = work.appendingPathComponent("code.png")
        _ = try output("/usr/bin/qrencode", ["-s", "4", "-o", qr.path, Self.code])
        let replay = work.appendingPathComponent("replay")
        try FileManager.default.createDirectory(at: replay, withIntermediateDirectories: true)
        let frameFile = replay.appendingPathComponent("f0.jpg")
        _ = try output("/usr/bin/env", ["convert", stationFrames.appendingPathComponent("fr_obama3__clean_a.jpg").path,
                                        qr.path, "-geometry", "+60+80", "-composite", "-quality", "95", frameFile.path])
        let frames = try SourceSpec(parsing: "replay:\(replay.path)@10").open()
        defer { frames.stop() }

        // The enrollment photo's descriptor (another photo of the same man), when the identity
        // models and the test photos are installed.
        let identityCheck = DataCache.standard.isPopulated ? try? EnrollmentFaceCheck() : nil
        let detector = try FaceDetector()
        if let identityCheck {
            let enrollment = try ImageFile.read(DataCache.standard.face("obama.jpg"))
            let face = try #require(try detector.detect(in: enrollment).first)
            try store.setEnrollmentDescriptor(try identityCheck.descriptor(of: enrollment, face: face.box).values,
                                              for: try #require(StudentNumber("2020123456")))
        }

        // The operator signs in; then the student's and the operator's keys, one per screen
        // update, as a keypad types them.
        var receipt = ""
        var feeScreen: ScreenContent?
        var progressScreen: ScreenContent?
        let display = StudentDisplay([
            .on("工作人员登录", "sign in", typed("王老师")),
            .on("按回车开始拍照", "start", [[.enter]]),
            // The camera reads the code; then the keypad.
            .when("identify", { $0.checks.contains { $0.label.contains("已读取（摄像头）") } }, typed("2020123456") + typed("123x")),
            .on("请核对", "confirm", look: { #expect($0.headline.contains("张*明") && !$0.headline.contains("三")) }, [[.enter]]),
            .capture,
            .on("请缴费", "fee", look: { feeScreen = $0 }, typed("WX20231020-0042")),
            .on("照片已保存", "done", look: { receipt = String($0.headline.split(separator: " ").last ?? "") }, [[.enter]]),
            .on("按回车开始拍照", "look up", [[.character("p")]] + typed("2020123456") + typed("123X")),
            .when("progress", { $0.headline.hasSuffix("的进度") }, look: { progressScreen = $0 }, [[.enter]]),
        ])
        var loop = stationLoop(display, frames, store: store, detector: detector, identityCheck: identityCheck, operatorName: nil,
                               day: "2023-10-20")
        try loop.run(duration: 180)

        #expect(display.unfinished == nil, "\(display.unfinished ?? "")")
        #expect(loop.receipts == [receipt])
        #expect(receipt.count == 9 && receipt.dropFirst(4).first == "-", "\(receipt)")

        // The fee of the batch's window, and the identity check beside it.
        let fee = try #require(feeScreen)
        #expect(fee.headline.contains("20 元"))
        if identityCheck != nil {
            #expect(fee.checks.contains { $0.label.hasPrefix("人脸与学籍照片一致") && $0.state == .pass }, "\(fee.checks.map(\.label))")
        }

        // The store holds the session: the code verbatim, the fee and its reference, the check.
        let records = try store.records()
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.receiptCode == receipt && record.studentNumber == "2020123456" && record.maskedName == "张*明")
        #expect(record.feeYuan == 20 && record.paymentMethod == "reference" && record.confirmedBy == "王老师")
        #expect(try store.sessions().first?.collectionCode == Self.code)
        if identityCheck != nil { #expect(record.identityCheck?.verdict == .match, "\(String(describing: record.identityCheck))") }

        // The photo files, named by their SHA-256 as sha256sum computes it.
        let photos = URL(fileURLWithPath: settings.folder).appendingPathComponent("photos")
        #expect(Set(record.photos.map(\.kind)) == ["spec", "source"])
        for photo in record.photos {
            let file = photos.appendingPathComponent("\(photo.hash.hex).jpg")
            let sum = try output("/usr/bin/sha256sum", [file.path]).prefix(64)
            #expect(String(sum) == photo.hash.hex, "\(photo.kind)")
        }
        let spec = try #require(record.photos.first { $0.kind == "spec" })
        let source = try #require(record.photos.first { $0.kind == "source" })
        let specFile = photos.appendingPathComponent("\(spec.hash.hex).jpg")
        let sourceFile = photos.appendingPathComponent("\(source.hash.hex).jpg")
        #expect(try JPEG.decode([UInt8](Data(contentsOf: specFile))).size == PixelSize(width: 480, height: 640))
        // The source frame is the camera's pixels, losslessly.
        #expect(try ImageFile.read(sourceFile) == ImageFile.read(frameFile))
        // The stored report is what `kiosk check PHOTO --source FRAME --json` prints on the stored files.
        let database = URL(fileURLWithPath: settings.folder).appendingPathComponent(StationStore.databaseName).path
        let storedReport = try output("/usr/bin/sqlite3", [database, "SELECT json FROM checkReport"])
        let again = try ComplianceChecker().check(photo: [UInt8](try Data(contentsOf: specFile)), detector: detector,
                                                  source: try ImageFile.read(sourceFile))
        // sqlite3 ends the row with a newline, as kiosk check ends its JSON.
        #expect(String(decoding: try again.json(), as: UTF8.self) + "\n" == storedReport)

        // Exactly one outbox entry per item: the photo, then the record.
        let outbox = try output("/usr/bin/sqlite3", [database, "SELECT kind, sessionId FROM outbox ORDER BY seq"])
        #expect(outbox == "photo|\(record.id)\nsession|\(record.id)\n")

        // The progress look-up with the same identification shows the photo taken.
        let progress = try #require(progressScreen)
        #expect(progress.headline == "张*明 的进度")
        #expect(progress.checks.map(\.label).contains("已拍照 1 次"), "\(progress.checks.map(\.label))")
        #expect(progress.checks.map(\.label).contains("尚未审核"))
        // Nothing of the student stays on the start screen after them.
        let last = try #require(display.screens.last)
        #expect(last.image == nil && !last.headline.contains("张") && last.checks.isEmpty)
    }

    @Test(.enabled(if: landmarkModel && stationFramesPresent, "the 68-point model or \(stationFramesMissing)"))
    func aSaveThatFailsKeepsThePhotoOnScreenUntilARetrySavesIt() throws {
        // The store on an 8 MB disk that a filler file uses up while the fee is being paid.
        let disk = try ScratchDisk(size: "8m")
        defer { disk.unmount() }
        var settings = StoreSettings()
        settings.folder = disk.folder.appendingPathComponent("store").path
        settings.minimumFreeMegabytes = 1
        let store = try StationStore(settings: settings)
        _ = try store.importRoster(text: """
            student_number,school,batch,name,id_tail,review_status,rejection_reason,retake_owed
            2020123457,北京大学,2024,欧阳春华,0011,not-reviewed,,no
            """)
        let (frames, stopReplay) = try replaying("fr_obama3__clean_a.jpg")
        defer { stopReplay() }

        var failure: ScreenContent?
        var left: [String] = []
        let display = StudentDisplay([
            // No camera code this time: the operator types it in the third field.
            .on("按回车开始拍照", "start", [[.enter]] + typed("2020123457") + typed("0011") + typed(Self.code)),
            .on("请核对", "confirm", [[.enter]]),
            .capture,
            .on("请缴费", "fee", look: { _ in #expect(disk.fill() > 0) }, [[.enter]]),
            .on("照片保存失败", "failed", look: {
                failure = $0
                left = (try? FileManager.default.contentsOfDirectory(atPath: settings.folder + "/photos")) ?? ["unreadable"]
                try? disk.freeFiller()
            }, [[.enter]]),
            .on("照片已保存", "saved", [[.enter]]),
        ])
        var loop = stationLoop(display, frames, store: store, detector: try FaceDetector(), day: "2023-12-01")
        try loop.run(duration: 180)

        #expect(display.unfinished == nil, "\(display.unfinished ?? "")")
        // The failure is said in both languages, with the photo still on screen.
        let shown = try #require(failure)
        #expect(shown.headline.hasPrefix("照片保存失败：本机存储故障（磁盘已满）"), "\(shown.headline)")
        #expect(shown.subline.hasPrefix("The photo could not be saved: ") && shown.subline.contains("the disk is full"), "\(shown.subline)")
        #expect(shown.tone == .failure && shown.image?.size == PixelSize(width: 480, height: 640))
        // Nothing partial was left, and the retry saved the session once, outside the window's price.
        #expect(left.isEmpty, "\(left)")
        #expect(loop.receipts.count == 1)
        let record = try #require(try store.records().first)
        #expect(record.feeYuan == 60 && record.paymentMethod == "cash")
        #expect(try store.sessions().first?.collectionCode == Self.code)
        #expect(try FileManager.default.contentsOfDirectory(atPath: settings.folder + "/photos").count == 2)
    }

    /// What `kiosk run` counts and shows, counted in a real session: the camera's frames, the
    /// live analysis, the capture and its acceptance (metrics through a registry of the test's
    /// own), and the status line's store and outbox after the save.
    @Test(.enabled(if: landmarkModel && stationFramesPresent, "the 68-point model or \(stationFramesMissing)"))
    func aSavedSessionIsCountedAndItsOutboxShownInTheStatus() throws {
        let (store, cleanUp) = try storeWithOneStudent()
        defer { cleanUp() }
        let (replay, stopReplay) = try replaying("fr_obama3__clean_a.jpg")
        defer { stopReplay() }
        let factory = StationMetricsFactory()
        let meters = StationMeters(factory: factory)
        let status = StationStatus(syncing: false, meters: meters)
        let frames = MeteredFrameSource(replay, meters: meters, status: status)
        let display = StudentDisplay(Self.identifiedAtTheKeypad + [
            .capture,
            .on("请缴费", "fee", [[.enter]]),
            .on("照片已保存", "saved", [[.enter]]),
        ])
        let options = LiveSession.Options()
        var live = LiveSession(display: display, frames: frames, detector: try FaceDetector(), options: options)
        live.meters = meters
        var loop = StationLoop(display: display, frames: frames, live: live, options: options,
                               parts: .init(store: store, fees: .standard, session: .standard, identityCheck: nil,
                                            operatorName: "王老师", today: { CalendarDay("2023-10-20")! }, status: status))
        try loop.run(duration: 180)
        #expect(display.unfinished == nil, "\(display.unfinished ?? "")")
        #expect(loop.receipts.count == 1)

        let scraped = factory.registry.emitToString()
        func value(_ name: String) -> Double? {
            scraped.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last!) }
        }
        #expect(value("kiosk_frames_total") == Double(replay.statistics.delivered), "\(scraped)")
        #expect((value("kiosk_frame_analysis_seconds_count") ?? 0) >= 1)
        #expect((value("kiosk_captures_total") ?? 0) >= 1)
        #expect(value("kiosk_acceptances_total") == 1)
        // The photo and the session record wait in the outbox for a server.
        #expect(value(#"kiosk_outbox_entries{state="waiting"}"#) == 2)
        let shown = status.snapshot
        #expect(shown.camera == .ok && shown.storeProblem == nil && shown.outboxWaiting == 2 && shown.sync == .off)
    }

    @Test func aScannersBurstIsTheCodeAndAWrongIdentificationSaysNothingAboutAnyone() throws {
        let (store, cleanUp) = try storeWithOneStudent()
        defer { cleanUp() }
        let frames = try SourceSpec(parsing: "pattern:320x240@30").open()
        defer { frames.stop() }
        var scanned: ScreenContent?, refused: ScreenContent?, confirm: ScreenContent?
        let display = StudentDisplay([
            .on("按回车开始拍照", "start", [[.enter]]),
            // The scanner types the whole code and Enter at once.
            .on("请输入学号", "scan", [Self.code.map { Key.character($0) } + [.enter]]),
            .when("wrong", { $0.checks.contains { $0.label.contains("已读取（扫码枪）") } }, look: { scanned = $0 },
                  typed("2020123456") + typed("9999")),
            .on("学号或身份证后四位不正确", "right", look: { refused = $0 }, typed("2020123456") + typed("123X")),
            .on("请核对", "confirm", look: { confirm = $0 }, [[.character("n")]]),
        ])
        var loop = stationLoop(display, frames, store: store, detector: try FaceDetector(), day: "2023-10-20")
        try loop.run(duration: 60)

        #expect(display.unfinished == nil, "\(display.unfinished ?? "")")
        #expect(scanned != nil)
        // A wrong tail says how many tries are left and nothing about the student.
        let wrong = try #require(refused)
        #expect(wrong.headline == "学号或身份证后四位不正确，还可尝试 2 次")
        #expect(!wrong.headline.contains("张") && !wrong.subline.contains("北京") && !wrong.checks.contains { $0.label.contains("张") })
        #expect(try #require(confirm).headline.contains("张*明，北京大学，2024 届"))
        // "Not me" went back to the start: nothing saved, nothing of the student on screen.
        let records = try store.records()
        #expect(loop.receipts.isEmpty && records.isEmpty)
        #expect(display.screens.last?.checks.isEmpty == true && display.screens.last?.image == nil)
    }

    /// Nobody poses (the camera sees a test pattern): the capture times out back to the start,
    /// and nothing of the student stays on the screen.
    @Test func theCaptureTimesOutBackToTheStartWithTheScreenCleared() throws {
        let (store, cleanUp) = try storeWithOneStudent()
        defer { cleanUp() }
        let frames = try SourceSpec(parsing: "pattern:320x240@30").open()
        defer { frames.stop() }
        var live: ScreenContent?
        let display = StudentDisplay(Self.identifiedAtTheKeypad + [
            // The live picture: then nothing more until the time-out.
            .when("live", { $0.image != nil }, look: { live = $0 }, []),
        ])
        var session = SessionSettings()
        session.captureSeconds = 1.5
        var loop = stationLoop(display, frames, store: store, detector: try FaceDetector(), session: session, day: "2023-10-20")
        try loop.run(duration: 60)

        #expect(display.unfinished == nil, "\(display.unfinished ?? "")")
        #expect(live != nil)
        let next = try #require(screenAfterThePicture(display.screens))
        #expect(next.headline.hasPrefix("按回车开始拍照") && !showsTheStudent(next) && next.checks.isEmpty, "\(next.headline)")
        #expect(try store.records().isEmpty && loop.receipts.isEmpty)
    }

    /// The photo is made and shown, and nobody answers the review: back to the start, the
    /// photo gone from the screen and nothing saved.
    @Test(.enabled(if: landmarkModel && stationFramesPresent, "the 68-point model or \(stationFramesMissing)"))
    func theReviewTimesOutBackToTheStartWithTheScreenCleared() throws {
        let (store, cleanUp) = try storeWithOneStudent()
        defer { cleanUp() }
        let (frames, stopReplay) = try replaying("fr_obama3__clean_a.jpg")
        defer { stopReplay() }
        let isReview = { (screen: ScreenContent) in ["照片合格", "照片有", "照片不合格"].contains { screen.headline.hasPrefix($0) } }
        let display = StudentDisplay(Self.identifiedAtTheKeypad + [
            .when("live", { $0.image != nil }, [[.character("c")]]),
            .when("review", isReview, []),
        ])
        var session = SessionSettings()
        session.reviewSeconds = 1.5
        var loop = stationLoop(display, frames, store: store, detector: try FaceDetector(), session: session, day: "2023-10-20")
        try loop.run(duration: 120)

        #expect(display.unfinished == nil, "\(display.unfinished ?? "")")
        #expect(display.screens.contains(where: isReview))
        let next = try #require(screenAfterThePicture(display.screens))
        #expect(next.headline.hasPrefix("按回车开始拍照") && !showsTheStudent(next) && next.checks.isEmpty, "\(next.headline)")
        #expect(try store.records().isEmpty && loop.receipts.isEmpty)
    }

    /// The enrollment photo is another man's: the fee screen says plainly that the faces do not
    /// match, in the failure tone, and the operator decides; here they confirm the payment after
    /// checking the card, and the session is saved with the no-match for the reviewers.
    @Test(.enabled(if: landmarkModel && stationFramesPresent && DataCache.standard.isPopulated,
                   "the 68-point model, \(stationFramesMissing), or the test data (scripts/fetch-test-data.sh)"))
    func aFaceThatDoesNotMatchTheEnrollmentPhotoIsTheOperatorsDecision() throws {
        let (store, cleanUp) = try storeWithOneStudent()
        defer { cleanUp() }
        let (frames, stopReplay) = try replaying("fr_obama3__clean_a.jpg")
        defer { stopReplay() }
        let detector = try FaceDetector()
        let identityCheck = try EnrollmentFaceCheck()
        let enrollment = try ImageFile.read(DataCache.standard.face("biden.jpg"))
        let face = try #require(try detector.detect(in: enrollment).first)
        try store.setEnrollmentDescriptor(try identityCheck.descriptor(of: enrollment, face: face.box).values,
                                          for: try #require(StudentNumber("2020123456")))
        var fee: ScreenContent?
        let display = StudentDisplay(Self.identifiedAtTheKeypad + [
            .capture,
            .on("请缴费", "fee", look: { fee = $0 }, [[.enter]]),
            .on("照片已保存", "done", [[.enter]]),
        ])
        var loop = stationLoop(display, frames, store: store, detector: detector, identityCheck: identityCheck, day: "2023-10-20")
        try loop.run(duration: 180)

        #expect(display.unfinished == nil, "\(display.unfinished ?? "")")
        let shown = try #require(fee)
        let line = try #require(shown.checks.first { $0.label.hasPrefix("人脸与学籍照片不一致") }, "\(shown.checks.map(\.label))")
        #expect(line.state == .fail && shown.tone == .failure)
        #expect(shown.footer.contains("王老师"), "\(shown.footer)")
        let record = try #require(try store.records().first)
        #expect(record.identityCheck?.verdict == .noMatch && record.confirmedBy == "王老师")
    }

    /// Three wrong identifications lock the station: the lock screen and every screen before it
    /// say nothing about the student whose number was typed; the operator unlocks (Ctrl-U), and
    /// at the end of the shift signs out (Ctrl-O), which brings the sign-in screen back.
    @Test func tooManyWrongTriesLockTheStationAndShowNobody() throws {
        let (store, cleanUp) = try storeWithOneStudent()
        defer { cleanUp() }
        let frames = try SourceSpec(parsing: "pattern:320x240@30").open()
        defer { frames.stop() }
        var locked: ScreenContent?
        let display = StudentDisplay([
            .on("按回车开始拍照", "start", [[.enter]] + typed("2020123456") + typed("9999") + typed(Self.code)),
            .on("学号或身份证后四位不正确", "second", typed("2020123456") + typed("0000")),
            .on("学号或身份证后四位不正确，还可尝试 1 次", "third", typed("2099999999") + typed("123X")),
            .on("尝试次数过多", "locked", look: { locked = $0 }, [[.character("q")], [.enter], [.control("u")]]),
            .on("按回车开始拍照", "sign out", [[.control("o")]]),
            .on("工作人员登录", "signed out", [[.escape]]),
        ])
        var loop = stationLoop(display, frames, store: store, detector: try FaceDetector(), day: "2023-10-20")
        try loop.run(duration: 60)

        // The last step quits on the sign-in screen: the script ends there, not on the start screen.
        #expect(display.step == "quit", "\(display.unfinished ?? "")")
        let lock = try #require(locked)
        #expect(lock.tone == .failure && lock.footer.contains("Ctrl-U"))
        // q and Enter did nothing while locked; Ctrl-U brought the start screen back.
        let lockScreens = display.screens.drop { !$0.headline.hasPrefix("尝试次数过多") }
        #expect(lockScreens.drop { $0.headline.hasPrefix("尝试次数过多") }.first?.headline.hasPrefix("按回车开始拍照") == true)
        #expect(!display.screens.contains(where: showsTheStudent), "a screen showed the student's record")
        #expect(display.screens.last?.headline.hasPrefix("工作人员登录") == true)
        #expect(try store.records().isEmpty)
    }
}
