import Capture
import CodeReading
import EnrollmentFace
import FaceKit
import Fees
import Foundation
import IdentityCheck
import ImageKit
import Roster
import StationSession
import StationStore
import TerminalUI

/// The station: one student after another along `StationSession` (identify, confirm, the
/// photo through `LiveSession`, fee, save in the `StationStore`, receipt), on one display
/// and one camera. The session decides; this reads the keys, the camera and the clocks, and
/// carries out the session's effects.
///
/// The operator signs in first (name or staff number, kept with each payment they confirm)
/// unless `Parts.operatorName` names them; Ctrl-O on the start screen signs out.
///
/// Identification: the student number and ID tail typed on the keypad (Enter after each); the
/// collection code read from the camera picture while the identify screen is up, from a
/// scanner's burst of keys (`ScannerBurst`), or typed by the operator in the third field.
public struct StationLoop {
    /// What the station works with besides the display and the camera.
    public struct Parts {
        public var store: StationStore
        public var fees: FeeSettings
        public var session: SessionSettings
        /// Compares the captured face with the enrollment photo; nil when the models are missing.
        public var identityCheck: EnrollmentFaceCheck?
        /// Who confirms payments (kept with each fee); nil: the station asks the operator to
        /// sign in on its first screen, as `kiosk run` does.
        public var operatorName: String?
        /// Today on the station's calendar (the fee depends on it).
        public var today: @Sendable () -> CalendarDay
        /// Where the store's readiness and the outbox after each save are told (the status line).
        public var status: StationStatus?

        public init(store: StationStore, fees: FeeSettings, session: SessionSettings, identityCheck: EnrollmentFaceCheck?,
                    operatorName: String?, today: @escaping @Sendable () -> CalendarDay = CalendarDay.today,
                    status: StationStatus? = nil) {
            self.store = store
            self.fees = fees
            self.session = session
            self.identityCheck = identityCheck
            self.operatorName = operatorName
            self.today = today
            self.status = status
        }
    }

    let display: any StationDisplay
    let frames: any FrameSource
    private var live: LiveSession
    private let parts: Parts
    private let screens: SessionScreens
    private var session: StationSession
    private var input = IdentifyInput()
    /// The keys of the line being typed, with their times, for telling a scanner from a person.
    private var line: [ScannerBurst.Key] = []
    private var picture: RGBImage?
    /// The accepted photo with its identity check and its JPEG decoded once for the screens.
    private var photos: [String: (photo: LiveSession.AcceptedPhoto, identity: IdentityCheckResult?, picture: RGBImage?)] = [:]
    private var reference = ""
    /// The operator signed in (who confirms payments), and what is typed on the sign-in screen.
    private var operatorName: String?
    private var signInTyped = ""
    private var photoCount = 0
    /// The receipt codes handed out, in order.
    public private(set) var receipts: [String] = []
    /// How long each save took (files made durable, then the commit), in milliseconds: the
    /// log shows a disk that slows down, and `kiosk bench session` reports it.
    public private(set) var saveMilliseconds: [Double] = []
    private let start = ContinuousClock.now

    public init(display: any StationDisplay, frames: any FrameSource, live: LiveSession, options: LiveSession.Options, parts: Parts) {
        self.display = display
        self.frames = frames
        self.live = live
        self.parts = parts
        screens = SessionScreens(language: options.language, mirrored: options.mirrored, guideShape: options.guideShape)
        session = StationSession(settings: parts.session, fees: parts.fees, directory: parts.store)
        operatorName = parts.operatorName
    }

    /// One line for the log.
    public var summary: String {
        let saves = saveMilliseconds.sorted()
        let median = saves.isEmpty ? "" : String(format: " (save %.0f ms median)", saves[saves.count / 2])
        return "kiosk run: \(live.summary); \(receipts.count) session(s) saved\(median)"
            + (receipts.isEmpty ? "" : ": " + receipts.joined(separator: ", "))
    }

    private var now: Double { Self.milliseconds(since: start) / 1000 }

    private static func milliseconds(since instant: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - instant
        return Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15
    }

    private var moment: Moment { Moment(seconds: now, day: parts.today()) }

    /// Serves students until q on the start screen or in the live picture, Esc on the sign-in
    /// screen, a stop request (`StationDisplay.stopRequested`), or for `duration` seconds.
    /// Throws when a camera frame cannot be used. It never stops inside a save: a session is
    /// in the store whole or not at all.
    public mutating func run(duration: Double?) throws {
        while duration.map({ now < $0 }) ?? true, !display.stopRequested {
            if operatorName == nil {
                display.show(screens.signIn(typed: signInTyped))
                for key in display.keys(waitMilliseconds: 100) where !signIn(key) { return }
                continue
            }
            perform(session.handle(.tick, at: moment))
            if case .capture = session.phase {
                if try !takePhoto() { return }
                continue
            }
            if case .identify(.newPhoto, nil, _) = session.phase { try readCode() }
            draw()
            let wait: Int32 = if case .identify(.newPhoto, nil, _) = session.phase { 0 } else { 100 }
            let keys = display.keys(waitMilliseconds: wait)
            for key in keys where !handle(key) { return }
        }
    }

    /// The live picture and the review; false when the operator quits.
    private mutating func takePhoto() throws -> Bool {
        switch try live.takePhoto(captureSeconds: parts.session.captureSeconds, reviewSeconds: parts.session.reviewSeconds) {
        case .quit:
            return false
        case .cancelled, .timedOut:
            perform(session.handle(.cancel, at: moment))
        case let .accepted(photo):
            guard case let .capture(card) = session.phase else { return true }
            photoCount += 1
            let id = "photo-\(photoCount)"
            photos = [id: (photo, identity(of: photo, card.studentNumber), try? JPEG.decode(photo.jpeg))]
            perform(session.handle(.photoTaken(CapturedPhoto(id: id, failsChecks: false)), at: moment))
            perform(session.handle(.accept, at: moment))
        }
        return true
    }

    /// A key on the sign-in screen; false when the operator quits (Esc).
    private mutating func signIn(_ key: Key) -> Bool {
        switch key {
        case .escape:
            return false
        case .backspace:
            signInTyped = String(signInTyped.dropLast())
        case let .character(c) where signInTyped.count < SessionScreens.longestOperatorName:
            signInTyped.append(c)
        case .enter:
            let name = signInTyped.trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { operatorName = name }
            signInTyped = ""
        default:
            break
        }
        return true
    }

    /// The captured face against the enrollment photo, when the roster has one.
    private func identity(of photo: LiveSession.AcceptedPhoto, _ number: StudentNumber) -> IdentityCheckResult? {
        guard let values = try? parts.store.enrollmentDescriptor(of: number),
              let enrollment = try? FaceDescriptor(values: values) else { return nil }
        guard let check = parts.identityCheck else { return .couldNotCompare(.modelsMissing) }
        return check.check(captured: photo.frame, face: photo.faceBox, enrollment: enrollment)
    }

    /// The collection code from the camera picture, while the identify screen waits for it.
    private mutating func readCode() throws {
        guard let frame = try? frames.nextFrame(timeout: .milliseconds(100)) else { return }
        let image = try frame.rgbImage()
        picture = image
        if let code = CollectionCodeReader.read(image.grayscale()).first {
            perform(session.handle(.collectionCode(code, .webcam), at: moment))
        }
    }

    /// One key on the current screen; false when the operator quits.
    private mutating func handle(_ key: Key) -> Bool {
        switch (session.phase, key) {
        case (.idle, .character("q")), (.idle, .character("Q")):
            return false
        case (.idle, .character("p")), (.idle, .character("P")):
            perform(session.handle(.startProgressLookUp, at: moment))
        case (.idle, .control("o")):
            // A change of shift: the next operator signs in before the next student.
            operatorName = nil
        case (.idle, _):
            checkStore()
            perform(session.handle(.startPhoto, at: moment))
        case (.identify, _):
            typeIdentification(key)
        case (.confirm, .enter):
            perform(session.handle(.confirmRecord, at: moment))
        case (.confirm, .character("n")), (.confirm, .character("N")):
            perform(session.handle(.rejectRecord, at: moment))
        case (.fee, .enter):
            let method: PaymentMethod = reference.isEmpty ? .cash : .reference(reference)
            perform(session.handle(.paymentConfirmed(PaymentConfirmation(method: method, confirmedBy: operatorName ?? "")), at: moment))
        case (.fee, .backspace):
            reference = String(reference.dropLast())
        case let (.fee, .character(c)):
            reference.append(c)
        case (.saveFailed, .enter):
            perform(session.handle(.retrySave, at: moment))
        case (.done, _), (.progress, _):
            perform(session.handle(.finish, at: moment))
        case (.lockedOut, .control("u")):
            perform(session.handle(.operatorUnlock, at: moment))
        case (_, .escape):
            perform(session.handle(.cancel, at: moment))
        default:
            break
        }
        return true
    }

    /// The store is asked before each student: a full disk or a read-only folder stops new
    /// sessions (the start screen says why) instead of losing a photo later.
    private mutating func checkStore() {
        do {
            try parts.store.readiness()
            parts.status?.store(problem: nil)
            perform(session.handle(.storeAvailable, at: moment))
        } catch {
            parts.status?.store(problem: error.description)
            perform(session.handle(.storeUnavailable(chinese: error.chinese, english: error.description), at: moment))
        }
    }

    /// A key on the identify screen: into the field being typed; Enter ends the field, or is
    /// the end of a scanner's burst (the collection code, whatever field was being typed).
    private mutating func typeIdentification(_ key: Key) {
        guard case let .identify(purpose, code, _) = session.phase else { return }
        switch key {
        case .escape:
            perform(session.handle(.cancel, at: moment))
        case .backspace:
            input.current = String(input.current.dropLast())
            line = Array(line.dropLast())
        case let .character(c):
            input.current.append(c)
            line.append(ScannerBurst.Key(c, at: now))
        case .enter:
            let typed = ScannerBurst.classify(line + [ScannerBurst.Key("\r", at: now)])
            line = []
            if case let .scanner(payload) = typed, purpose == .newPhoto {
                input.current = ""
                perform(session.handle(.collectionCode(payload, .scanner), at: moment))
                // Scanned last, after the number and tail: the identification is complete.
                if input.field == .collectionCode { identify() }
                return
            }
            switch input.field {
            case .studentNumber:
                input.field = .idTail
            case .idTail where purpose == .newPhoto && code == nil:
                input.field = .collectionCode
            case .idTail:
                identify()
            case .collectionCode:
                if !input.collectionCode.isEmpty {
                    perform(session.handle(.collectionCode(input.collectionCode, .typed), at: moment))
                }
                identify()
            }
        default:
            break
        }
    }

    /// Hands the typed identification to the session; a wrong one starts the fields again.
    private mutating func identify() {
        perform(session.handle(.identify(studentNumber: input.studentNumber, idTail: input.idTail), at: moment))
        if case .identify = session.phase {
            let collectionCode = input.collectionCode
            input = IdentifyInput()
            input.collectionCode = collectionCode
        }
    }

    /// Carries out the session's effects.
    private mutating func perform(_ effects: [StationSession.Effect]) {
        for effect in effects {
            switch effect {
            case .clearScreen:
                // Nothing of the last student stays: typed fields, picture, photos, reference.
                input = IdentifyInput()
                line = []
                picture = nil
                photos = [:]
                reference = ""
            case .startCamera, .stopCamera:
                // The camera stays open for the code reading and the next student.
                break
            case let .save(outcome):
                save(outcome)
            }
        }
        // A finished field of a new screen starts empty.
        if case .fee = session.phase {} else { reference = "" }
    }

    /// The session into the store: the files made durable, then one commit with the outbox.
    private mutating func save(_ outcome: SessionOutcome) {
        guard let (photo, identity, _) = photos[outcome.photo.id] else { return }
        let startedAt = Date(timeIntervalSinceNow: outcome.startedAt - now)
        let accepted = AcceptedSession(
            studentNumber: outcome.student.studentNumber, collectionCode: outcome.student.collectionCode, startedAt: startedAt,
            acceptedAt: Date(), specJPEG: photo.jpeg, sourceFrame: photo.sourceFrame,
            checkReportJSON: String(decoding: photo.report, as: UTF8.self), fee: outcome.fee,
            payment: Payment(yuan: outcome.fee.yuan, method: outcome.payment.method, time: Date(), confirmedBy: outcome.payment.confirmedBy),
            identityCheck: identity)
        let began = ContinuousClock.now
        do {
            let saved = try parts.store.save(accepted)
            saveMilliseconds.append(Self.milliseconds(since: began))
            receipts.append(saved.receiptCode)
            parts.status?.store(problem: nil)
            parts.status?.countOutbox(of: parts.store)
            perform(session.handle(.saved(receiptCode: saved.receiptCode), at: moment))
        } catch {
            parts.status?.store(problem: error.description)
            perform(session.handle(.saveFailed(chinese: error.chinese, english: error.description), at: moment))
        }
    }

    private mutating func draw() {
        let notice = session.notice
        let content: ScreenContent = switch session.phase {
        case .idle: screens.idle(notice: session.outOfService ?? notice, operatorName: operatorName ?? "")
        case let .identify(purpose, _, source): screens.identify(purpose, input: input, codeRead: source, notice: notice, picture: picture)
        case let .confirm(card): screens.confirm(card)
        case let .fee(card, photo): screens.fee(card, photo: photos[photo.id]?.picture,
                                                reference: reference, identity: photos[photo.id]?.identity, operatorName: operatorName ?? "",
                                                notice: notice)
        case .saving, .capture, .review: screens.saving()
        case let .saveFailed(outcome): screens.saveFailed(notice, photo: photos[outcome.photo.id]?.picture)
        case let .done(receipt): screens.done(receipt: receipt)
        case let .progress(view): screens.progress(view)
        case .lockedOut: screens.lockedOut(notice)
        }
        display.show(content)
    }
}

extension CalendarDay {
    /// Today on this machine's calendar (its time zone).
    @Sendable public static func today() -> CalendarDay {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return CalendarDay(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
