import Fees
import Foundation
import Roster
import StationSession
import StationStore
import Testing

/// A real store in a temporary folder with three students; the session looks them up there.
private final class StationFixture {
    let folder: URL
    let store: StationStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("session-\(UUID().uuidString)")
        var settings = StoreSettings()
        settings.folder = folder.path
        store = try StationStore(settings: settings)
        try store.importRoster(text: """
            student_number,school,batch,name,id_tail,review_status,rejection_reason,retake_owed
            2020123456,北京大学,2024,张三明,123X,not-reviewed,,no
            2020123457,北京大学,2024,欧阳春华,0011,rejected,背景不是浅蓝色,yes
            2020123458,北京大学,2023,李明,5678,,,no
            """)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func session(_ settings: SessionSettings = .standard) -> StationSession {
        StationSession(settings: settings, fees: .standard, directory: store)
    }
}

private let inWindow = CalendarDay("2023-10-20")!
private func at(_ seconds: Double, _ day: CalendarDay = inWindow) -> Moment { Moment(seconds: seconds, day: day) }
private let code = "V2h5IHJlYWQgdGhpcz8=\u{1F}原样"

@Suite struct StationSessionTests {
    /// Idle through identify, confirm, capture, a retake, review, fee and save to done.
    @Test func aWholeSessionFromIdleToReceipt() throws {
        let station = try StationFixture()
        var session = station.session()
        #expect(session.handle(.startPhoto, at: at(0)).isEmpty)
        #expect(session.phase == .identify(.newPhoto, code: nil, codeSource: nil))
        _ = session.handle(.collectionCode(code, .scanner), at: at(1))
        #expect(session.handle(.identify(studentNumber: " 2020123456 ", idTail: "123x"), at: at(5)).isEmpty)
        guard case let .confirm(card) = session.phase else { Issue.record("\(session.phase)"); return }
        #expect(card.name.text == "张*明")
        #expect(card.collectionCode == code)
        #expect(card.codeSource == .scanner)
        #expect(card.fee.yuan == 20)
        #expect(session.handle(.confirmRecord, at: at(8)) == [.startCamera])
        let blurred = CapturedPhoto(id: "frame-1", failsChecks: true)
        #expect(session.handle(.photoTaken(blurred), at: at(20)) == [.stopCamera])
        #expect(session.handle(.accept, at: at(22)).isEmpty)
        #expect(session.notice == .photoFailsChecks)
        #expect(session.handle(.retake, at: at(23)) == [.startCamera])
        let good = CapturedPhoto(id: "frame-2", failsChecks: false)
        _ = session.handle(.photoTaken(good), at: at(40))
        #expect(session.handle(.accept, at: at(45)).isEmpty)
        #expect(session.phase == .fee(card, good))
        let effects = session.handle(.paymentConfirmed(PaymentConfirmation(method: .reference("4200001234"), confirmedBy: "王老师")), at: at(90))
        guard case let .save(outcome) = effects.first, effects.count == 1 else { Issue.record("\(effects)"); return }
        #expect(outcome.photo == good)
        #expect(outcome.fee.yuan == 20)
        #expect(outcome.startedAt == 8)
        // The caller saves in the real store, as the station will.
        let saved = try station.store.save(AcceptedSession(
            studentNumber: outcome.student.studentNumber, collectionCode: outcome.student.collectionCode,
            startedAt: Date(), acceptedAt: Date(), specJPEG: [1, 2, 3], sourceFrame: [4, 5, 6], checkReportJSON: "{}",
            fee: outcome.fee, payment: Payment(yuan: outcome.fee.yuan, method: outcome.payment.method, time: Date(),
                                               confirmedBy: outcome.payment.confirmedBy)))
        #expect(session.handle(.saved(receiptCode: saved.receiptCode), at: at(91)).isEmpty)
        #expect(session.phase == .done(receiptCode: saved.receiptCode))
        #expect(session.handle(.finish, at: at(95)) == [.clearScreen])
        #expect(session.phase == .idle)
    }

    @Test func aRetakeOwedSkipsTheFeeAndSavesAtOnce() throws {
        let station = try StationFixture()
        var session = station.session()
        _ = session.handle(.startPhoto, at: at(0))
        _ = session.handle(.collectionCode(code, .webcam), at: at(1))
        _ = session.handle(.identify(studentNumber: "2020123457", idTail: "0011"), at: at(2))
        guard case let .confirm(card) = session.phase else { Issue.record("\(session.phase)"); return }
        #expect(card.fee == FeeQuote(yuan: 0, basis: .retakeOwed))
        #expect(card.review == .rejected(reason: "背景不是浅蓝色"))
        _ = session.handle(.confirmRecord, at: at(3))
        _ = session.handle(.photoTaken(CapturedPhoto(id: "p", failsChecks: false)), at: at(4))
        let effects = session.handle(.accept, at: at(5))
        guard case let .save(outcome) = effects.first else { Issue.record("\(effects)"); return }
        #expect(outcome.payment.method == .noCharge)
    }

    @Test func outsideTheWindowTheFeeIsSixty() throws {
        let station = try StationFixture()
        var session = station.session()
        _ = session.handle(.startPhoto, at: at(0, CalendarDay("2024-01-05")!))
        _ = session.handle(.collectionCode(code, .typed), at: at(1, CalendarDay("2024-01-05")!))
        _ = session.handle(.identify(studentNumber: "2020123456", idTail: "123X"), at: at(2, CalendarDay("2024-01-05")!))
        guard case let .confirm(card) = session.phase else { Issue.record("\(session.phase)"); return }
        #expect(card.fee.yuan == 60)
    }

    @Test func aWrongNumberAndAWrongTailReadTheSameAndTheTriesRunOut() throws {
        let station = try StationFixture()
        var session = station.session()
        _ = session.handle(.startPhoto, at: at(0))
        _ = session.handle(.collectionCode(code, .scanner), at: at(1))
        _ = session.handle(.identify(studentNumber: "2020123456", idTail: "1234"), at: at(2))
        let wrongTail = session.notice
        _ = session.handle(.identify(studentNumber: "2099999999", idTail: "123X"), at: at(3))
        #expect(wrongTail == .identityNotMatched(triesLeft: 2))
        #expect(session.notice == .identityNotMatched(triesLeft: 1))
        #expect(wrongTail?.chinese.contains("学号或身份证后四位不正确") == true)
        #expect(session.handle(.identify(studentNumber: "2020123457", idTail: "9999"), at: at(4)) == [.clearScreen])
        #expect(session.phase == .lockedOut(until: 64))
        #expect(session.notice == .tooManyTries)
        // Locked: starting again does nothing until the time is up or the operator unlocks.
        #expect(session.handle(.startPhoto, at: at(30)).isEmpty)
        #expect(session.phase == .lockedOut(until: 64))
        _ = session.handle(.tick, at: at(64))
        #expect(session.phase == .idle)
        _ = session.handle(.startPhoto, at: at(65))
        _ = session.handle(.collectionCode(code, .scanner), at: at(66))
        _ = session.handle(.identify(studentNumber: "2020123456", idTail: "1234"), at: at(67))
        #expect(session.notice == .identityNotMatched(triesLeft: 2), "a new student starts with every try")
    }

    @Test func theOperatorEndsALockOut() throws {
        let station = try StationFixture()
        var settings = SessionSettings()
        settings.identificationTries = 1
        var session = station.session(settings)
        _ = session.handle(.startProgressLookUp, at: at(0))
        _ = session.handle(.identify(studentNumber: "2020123456", idTail: "0000"), at: at(1))
        #expect(session.phase == .lockedOut(until: 61))
        #expect(session.handle(.operatorUnlock, at: at(2)) == [.clearScreen])
        #expect(session.phase == .idle)
    }

    @Test func badlyTypedFieldsAndAMissingCodeAreNamedWithoutUsingATry() throws {
        let station = try StationFixture()
        var session = station.session()
        _ = session.handle(.startPhoto, at: at(0))
        _ = session.handle(.identify(studentNumber: "12", idTail: "123X"), at: at(1))
        #expect(session.notice == .studentNumberFormat)
        _ = session.handle(.identify(studentNumber: "2020123456", idTail: "12X3"), at: at(2))
        #expect(session.notice == .idTailFormat)
        _ = session.handle(.identify(studentNumber: "2020123456", idTail: "123X"), at: at(3))
        #expect(session.notice == .collectionCodeMissing)
        _ = session.handle(.collectionCode(code, .typed), at: at(4))
        _ = session.handle(.identify(studentNumber: "2020123456", idTail: "0000"), at: at(5))
        #expect(session.notice == .identityNotMatched(triesLeft: 2))
    }

    @Test func theProgressLookUpShowsOnlyTheStudentsOwnProgress() throws {
        let station = try StationFixture()
        var session = station.session()
        _ = session.handle(.startProgressLookUp, at: at(0))
        _ = session.handle(.identify(studentNumber: "2020123457", idTail: "0011"), at: at(1))
        #expect(session.phase == .progress(ProgressView(name: MaskedName(stored: "欧阳*华"), progress: StudentProgress(
            photosSaved: 0, photosSent: 0, review: .rejected(reason: "背景不是浅蓝色"), retakeOwed: true))))
        #expect(session.handle(.tick, at: at(31)) == [.clearScreen])
        #expect(session.phase == .idle)
    }

    @Test(arguments: [("identify", 120.0), ("confirm", 60), ("capture", 300), ("review", 120), ("fee", 600), ("done", 30)])
    func everyScreenTimesOutBackToIdleWithTheScreenCleared(_ screen: String, _ limit: Double) throws {
        let station = try StationFixture()
        var session = station.session()
        let steps: [StationSession.Event] = [.startPhoto, .collectionCode(code, .scanner),
                                             .identify(studentNumber: "2020123456", idTail: "123X"), .confirmRecord,
                                             .photoTaken(CapturedPhoto(id: "p", failsChecks: false)), .accept,
                                             .paymentConfirmed(PaymentConfirmation(method: .cash, confirmedBy: "op")),
                                             .saved(receiptCode: "ABCD-EFGH")]
        let stops = ["identify": 1, "confirm": 3, "capture": 4, "review": 5, "fee": 6, "done": 8]
        for step in steps.prefix(stops[screen]!) { _ = session.handle(step, at: at(0)) }
        #expect(session.handle(.tick, at: at(limit - 1)).isEmpty)
        let effects = session.handle(.tick, at: at(limit))
        #expect(effects == (screen == "capture" ? [.stopCamera, .clearScreen] : [.clearScreen]))
        #expect(session.phase == .idle)
    }

    /// An unpaid photo is not accepted: the fee screen's time-out saves nothing, and the
    /// student can come back and identify again as if for the first time.
    @Test func anUnpaidFeeTimesOutWithoutSavingAndTheStudentCanComeBack() throws {
        let station = try StationFixture()
        var session = station.session()
        let identify: [StationSession.Event] = [.startPhoto, .collectionCode(code, .scanner),
                                                .identify(studentNumber: "2020123456", idTail: "123X")]
        for step in identify + [.confirmRecord, .photoTaken(CapturedPhoto(id: "p", failsChecks: false)), .accept] {
            _ = session.handle(step, at: at(0))
        }
        guard case .fee = session.phase else { Issue.record("\(session.phase)"); return }
        #expect(session.handle(.tick, at: at(SessionSettings.standard.feeSeconds)) == [.clearScreen])
        #expect(session.phase == .idle && session.notice == nil)
        #expect(try station.store.records().isEmpty)
        for step in identify { _ = session.handle(step, at: at(1000)) }
        guard case let .confirm(card) = session.phase else { Issue.record("\(session.phase)"); return }
        #expect(card.fee.yuan == 20)
    }

    @Test func aSaveNeverTimesOutAndAFailedSaveKeepsThePhotoForARetry() throws {
        let station = try StationFixture()
        var session = station.session()
        for step: StationSession.Event in [.startPhoto, .collectionCode(code, .scanner), .identify(studentNumber: "2020123456", idTail: "123X"),
                                           .confirmRecord, .photoTaken(CapturedPhoto(id: "p", failsChecks: false)), .accept] {
            _ = session.handle(step, at: at(0))
        }
        let effects = session.handle(.paymentConfirmed(PaymentConfirmation(method: .cash, confirmedBy: "op")), at: at(1))
        guard case let .save(outcome) = effects.first else { Issue.record("\(effects)"); return }
        #expect(session.handle(.tick, at: at(100_000)).isEmpty)
        _ = session.handle(.saveFailed(chinese: "磁盘已满", english: "the disk is full"), at: at(100_001))
        #expect(session.phase == .saveFailed(outcome))
        #expect(session.notice?.chinese.contains("磁盘已满") == true)
        #expect(session.handle(.tick, at: at(200_000)).isEmpty)
        #expect(session.handle(.retrySave, at: at(200_001)) == [.save(outcome)])
    }

    @Test func aPaymentThatCannotBeRecordedIsRefusedOnTheFeeScreen() throws {
        let station = try StationFixture()
        var session = station.session()
        for step: StationSession.Event in [.startPhoto, .collectionCode(code, .scanner), .identify(studentNumber: "2020123456", idTail: "123X"),
                                           .confirmRecord, .photoTaken(CapturedPhoto(id: "p", failsChecks: false)), .accept] {
            _ = session.handle(step, at: at(0))
        }
        #expect(session.handle(.paymentConfirmed(PaymentConfirmation(method: .reference(" "), confirmedBy: "op")), at: at(1)).isEmpty)
        guard case .paymentProblem = session.notice else { Issue.record("\(String(describing: session.notice))"); return }
        guard case .fee = session.phase else { Issue.record("\(session.phase)"); return }
    }

    @Test func whileTheStoreIsUnavailableNoNewSessionStarts() throws {
        let station = try StationFixture()
        var session = station.session()
        _ = session.handle(.storeUnavailable(chinese: "本机存储故障（磁盘已满），暂停拍照", english: "the disk is full"), at: at(0))
        #expect(session.handle(.startPhoto, at: at(1)).isEmpty)
        #expect(session.phase == .idle)
        #expect(session.notice?.chinese.contains("暂停拍照") == true)
        _ = session.handle(.storeAvailable, at: at(2))
        _ = session.handle(.startPhoto, at: at(3))
        #expect(session.phase == .identify(.newPhoto, code: nil, codeSource: nil))
    }

    @Test func aBatchWithoutAFeeEndsTheSessionBeforeThePhoto() throws {
        let station = try StationFixture()
        var session = station.session()
        _ = session.handle(.startPhoto, at: at(0))
        _ = session.handle(.collectionCode(code, .scanner), at: at(1))
        #expect(session.handle(.identify(studentNumber: "2020123458", idTail: "5678"), at: at(2)) == [.clearScreen])
        #expect(session.phase == .idle)
        #expect(session.notice == .feeNotSet)
    }

    @Test func theStudentCanLeaveAtEveryStepBeforeTheSave() throws {
        let station = try StationFixture()
        var session = station.session()
        _ = session.handle(.startPhoto, at: at(0))
        _ = session.handle(.collectionCode(code, .scanner), at: at(1))
        _ = session.handle(.identify(studentNumber: "2020123456", idTail: "123X"), at: at(2))
        #expect(session.handle(.rejectRecord, at: at(3)) == [.clearScreen])
        _ = session.handle(.startPhoto, at: at(4))
        _ = session.handle(.collectionCode(code, .scanner), at: at(5))
        _ = session.handle(.identify(studentNumber: "2020123456", idTail: "123X"), at: at(6))
        _ = session.handle(.confirmRecord, at: at(7))
        #expect(session.handle(.cancel, at: at(8)) == [.stopCamera, .clearScreen])
        #expect(session.phase == .idle)
    }
}
