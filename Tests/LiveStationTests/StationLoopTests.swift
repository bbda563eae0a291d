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
import StationStore
import TerminalUI
import Testing

/// A display that keeps the screens and types what a script decides from the newest one.
private final class StudentDisplay: StationDisplay {
    private(set) var screens: [ScreenContent] = []
    private let script: (ScreenContent) -> [Key]

    init(script: @escaping (ScreenContent) -> [Key]) { self.script = script }

    func show(_ content: ScreenContent) { screens.append(content) }

    func keys(waitMilliseconds: Int32) -> [Key] {
        let keys = screens.last.map(script) ?? []
        // A person's keys come tens of milliseconds apart (a scanner's burst would not).
        if !keys.isEmpty { Thread.sleep(forTimeInterval: 0.04) }
        return keys
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

/// The student's answer to the live picture and the review: c (the operator's capture) until
/// the photo is there, then accept it (y when its checks only warn); the step that follows, or
/// why the photo failed.
private func answerCapture(_ screen: ScreenContent, next: String) -> (keys: [Key], step: String?) {
    if screen.headline.hasPrefix("照片不合格") { return ([.character("q")], "the photo failed: \(screen.subline)") }
    if screen.headline.hasPrefix("照片有") { return ([.character("y")], next) }
    if screen.headline.hasPrefix("照片合格") { return ([.enter], next) }
    return ([.character("c")], nil)
}

private let landmarkModel = FileManager.default.fileExists(atPath: FaceModels.standard.landmarks68.path)
private let tools = ["/usr/bin/qrencode", "/usr/bin/sqlite3", "/usr/bin/sha256sum"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    && (try? output("/usr/bin/env", ["which", "convert"])) != nil

/// The station loop the tests drive: default live options, session settings and fees, the
/// operator 王老师, and `day` as today (the fee depends on it).
private func stationLoop(_ display: any StationDisplay, _ frames: any FrameSource, store: StationStore, detector: FaceDetector,
                         identityCheck: EnrollmentFaceCheck? = nil, day: String) -> StationLoop {
    let options = LiveSession.Options()
    return StationLoop(display: display, frames: frames, live: LiveSession(display: display, frames: frames, detector: detector, options: options),
                       options: options,
                       parts: .init(store: store, fees: .standard, session: .standard, identityCheck: identityCheck,
                                    operatorName: "王老师", today: { CalendarDay(day)! }))
}

@Suite("Station loop")
struct StationLoopTests {
    /// The collection code as the national site might print it: opaque text, kept byte for byte.
    private static let code = "XJ2024:9f8e7d6c5b4a39281706+/=Zq"

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

        // The student's and the operator's keys, one per screen update, as a keypad types them.
        var pending: [Key] = []
        var step = "start"
        var receipt = ""
        var feeScreen: ScreenContent?
        var progressScreen: ScreenContent?
        let typed = { (text: String) -> [Key] in text.map { Key.character($0) } + [.enter] }
        let display = StudentDisplay { screen in
            if !pending.isEmpty { return [pending.removeFirst()] }
            switch step {
            case "start" where screen.headline.hasPrefix("按回车开始拍照"):
                step = "identify"
                return [.enter]
            case "identify" where screen.checks.contains { $0.label.contains("已读取（摄像头）") }:
                // The camera read the code; now the keypad.
                step = "confirm"
                pending = typed("2020123456") + typed("123x")
                return []
            case "confirm" where screen.headline.hasPrefix("请核对"):
                #expect(screen.headline.contains("张*明") && !screen.headline.contains("三"))
                step = "capture"
                return [.enter]
            case "capture":
                let answer = answerCapture(screen, next: "fee")
                step = answer.step ?? step
                return answer.keys
            case "fee" where screen.headline.hasPrefix("请缴费"):
                feeScreen = screen
                step = "done"
                pending = typed("WX20231020-0042")
                return []
            case "done" where screen.headline.hasPrefix("照片已保存"):
                receipt = String(screen.headline.split(separator: " ").last ?? "")
                step = "look up"
                return [.enter]
            case "look up" where screen.headline.hasPrefix("按回车开始拍照"):
                step = "progress"
                pending = typed("2020123456") + typed("123X")
                return [.character("p")]
            case "progress" where screen.headline.hasSuffix("的进度"):
                progressScreen = screen
                step = "quit"
                return [.enter]
            case "quit" where screen.headline.hasPrefix("按回车开始拍照"):
                return [.character("q")]
            default:
                return []
            }
        }
        var loop = stationLoop(display, frames, store: store, detector: detector, identityCheck: identityCheck, day: "2023-10-20")
        try loop.run(duration: 180)

        #expect(step == "quit", "the session ended at step \(step); headlines: \(Set(display.screens.map(\.headline)))")
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
        let replay = FileManager.default.temporaryDirectory.appendingPathComponent("station-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: replay, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: replay) }
        try FileManager.default.createSymbolicLink(at: replay.appendingPathComponent("f0.jpg"),
                                                   withDestinationURL: stationFrames.appendingPathComponent("fr_obama3__clean_a.jpg"))
        let frames = try SourceSpec(parsing: "replay:\(replay.path)@10").open()
        defer { frames.stop() }

        var pending: [Key] = []
        var step = "start"
        var failure: ScreenContent?
        var left: [String] = []
        let typed = { (text: String) -> [Key] in text.map { Key.character($0) } + [.enter] }
        let display = StudentDisplay { screen in
            if !pending.isEmpty { return [pending.removeFirst()] }
            switch step {
            case "start" where screen.headline.hasPrefix("按回车开始拍照"):
                // No camera code this time: the operator types it in the third field.
                step = "confirm"
                pending = typed("2020123457") + typed("0011") + typed(Self.code)
                return [.enter]
            case "confirm" where screen.headline.hasPrefix("请核对"):
                step = "capture"
                return [.enter]
            case "capture":
                let answer = answerCapture(screen, next: "fee")
                step = answer.step ?? step
                return answer.keys
            case "fee" where screen.headline.hasPrefix("请缴费"):
                #expect(disk.fill() > 0)
                step = "failed"
                return [.enter]
            case "failed" where screen.headline.hasPrefix("照片保存失败"):
                failure = screen
                left = (try? FileManager.default.contentsOfDirectory(atPath: settings.folder + "/photos")) ?? ["unreadable"]
                try? disk.freeFiller()
                step = "saved"
                return [.enter]
            case "saved" where screen.headline.hasPrefix("照片已保存"):
                step = "quit"
                return [.enter]
            case "quit" where screen.headline.hasPrefix("按回车开始拍照"):
                return [.character("q")]
            default:
                return []
            }
        }
        var loop = stationLoop(display, frames, store: store, detector: try FaceDetector(), day: "2023-12-01")
        try loop.run(duration: 180)

        #expect(step == "quit", "the session ended at step \(step); headlines: \(Set(display.screens.map(\.headline)))")
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

    @Test func aScannersBurstIsTheCodeAndAWrongIdentificationSaysNothingAboutAnyone() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("station-identify-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var settings = StoreSettings()
        settings.folder = folder.path
        settings.minimumFreeMegabytes = 10
        let store = try StationStore(settings: settings)
        _ = try store.importRoster(text: """
            student_number,school,batch,name,id_tail,review_status,rejection_reason,retake_owed
            2020123456,北京大学,2024,张三明,123X,not-reviewed,,no
            """)
        let frames = try SourceSpec(parsing: "pattern:320x240@30").open()
        defer { frames.stop() }
        var pending: [Key] = []
        var step = "start"
        var scanned: ScreenContent?, refused: ScreenContent?, confirm: ScreenContent?
        let typed = { (text: String) -> [Key] in text.map { Key.character($0) } + [.enter] }
        let display = StudentDisplay { screen in
            if !pending.isEmpty { return [pending.removeFirst()] }
            switch step {
            case "start" where screen.headline.hasPrefix("按回车开始拍照"):
                step = "scan"
                return [.enter]
            case "scan" where screen.headline.hasPrefix("请输入学号"):
                // The scanner types the whole code and Enter at once.
                step = "wrong"
                return Self.code.map { Key.character($0) } + [.enter]
            case "wrong" where screen.checks.contains { $0.label.contains("已读取（扫码枪）") }:
                scanned = screen
                step = "right"
                pending = typed("2020123456") + typed("9999")
                return []
            case "right" where screen.headline.hasPrefix("学号或身份证后四位不正确"):
                refused = screen
                step = "confirm"
                pending = typed("2020123456") + typed("123X")
                return []
            case "confirm" where screen.headline.hasPrefix("请核对"):
                confirm = screen
                step = "quit"
                return [.character("n")]
            case "quit" where screen.headline.hasPrefix("按回车开始拍照"):
                return [.character("q")]
            default:
                return []
            }
        }
        var loop = stationLoop(display, frames, store: store, detector: try FaceDetector(), day: "2023-10-20")
        try loop.run(duration: 60)

        #expect(step == "quit", "ended at step \(step); headlines: \(Set(display.screens.map(\.headline)))")
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
}
