import Fees
import Roster

/// The student's path through the station as a state machine over plain values:
/// idle → identify → confirm record → capture → review (accept or retake) → fee → saving →
/// done (receipt code), with time-outs back to idle, a limited number of identification
/// tries, and a progress look-up with the same identification.
///
/// No camera, screen or clock: the caller feeds events with the time (`Moment`) and carries
/// out the effects it returns (clear the screen, start or stop the camera, save). The
/// screen shows `phase` and `notice`.
public struct StationSession {
    /// What the student is doing.
    public enum Purpose: Sendable, Hashable {
        case newPhoto
        case progressLookUp
    }

    public enum Phase: Sendable, Hashable {
        case idle
        /// Typing the student number and ID tail; `code` once the collection code was read.
        case identify(Purpose, code: String?, codeSource: CodeSource?)
        case confirm(StudentCard)
        case capture(StudentCard)
        case review(StudentCard, CapturedPhoto)
        case fee(StudentCard, CapturedPhoto)
        /// The caller is saving; only `.saved` or `.saveFailed` move on (never a time-out).
        case saving(SessionOutcome)
        /// The save failed; the photo is kept until the operator retries.
        case saveFailed(SessionOutcome)
        case done(receiptCode: String)
        case progress(ProgressView)
        /// Too many wrong identifications: nobody is served until `until`.
        case lockedOut(until: Double)
    }

    public enum Event: Sendable, Hashable {
        case startPhoto
        case startProgressLookUp
        /// The collection code from the webcam, a scanner or the operator's keys.
        case collectionCode(String, CodeSource)
        /// The student number and ID tail as typed (spaces the keypad adds around them are trimmed).
        case identify(studentNumber: String, idTail: String)
        case confirmRecord
        /// "This is not me": back to the start.
        case rejectRecord
        case photoTaken(CapturedPhoto)
        case accept
        case retake
        case paymentConfirmed(PaymentConfirmation)
        case saved(receiptCode: String)
        case saveFailed(chinese: String, english: String)
        case retrySave
        /// The student leaves the done or progress screen.
        case finish
        /// The student gives up before the save.
        case cancel
        /// The store cannot take a session (disk full, damaged database, …); says why.
        case storeUnavailable(chinese: String, english: String)
        case storeAvailable
        /// The operator ends a lock-out.
        case operatorUnlock
        /// Time passed; time-outs are checked.
        case tick
    }

    public enum Effect: Sendable, Hashable {
        /// Wipe everything the last student saw or typed.
        case clearScreen
        case startCamera
        case stopCamera
        case save(SessionOutcome)
    }

    public private(set) var phase: Phase = .idle
    /// The line to show with the phase, if any.
    public private(set) var notice: Notice?
    /// When the station cannot take sessions: why (new photos are refused while set).
    public private(set) var outOfService: Notice?

    private let settings: SessionSettings
    private let fees: FeeSettings
    private let directory: any StudentDirectory
    private var enteredAt = 0.0
    private var failedTries = 0
    private var startedAt = 0.0

    public init(settings: SessionSettings = .standard, fees: FeeSettings, directory: any StudentDirectory) {
        self.settings = settings
        self.fees = fees
        self.directory = directory
    }

    /// Applies `event` at `now`; returns what the caller must do, in order.
    public mutating func handle(_ event: Event, at now: Moment) -> [Effect] {
        if let effects = timeOut(at: now) { return effects + (event == .tick ? [] : handle(event, at: now)) }
        switch (phase, event) {
        case (_, .storeUnavailable(let chinese, let english)):
            outOfService = .outOfService(chinese: chinese, english: english)
            if case .idle = phase { notice = outOfService }
            return []
        case (_, .storeAvailable):
            outOfService = nil
            if case .idle = phase { notice = nil }
            return []
        case (.lockedOut, .operatorUnlock):
            return reset(at: now, notice: nil)
        case (.idle, .startPhoto):
            if let outOfService {
                notice = outOfService
                return []
            }
            failedTries = 0
            enter(.identify(.newPhoto, code: nil, codeSource: nil), at: now)
            return []
        case (.idle, .startProgressLookUp):
            failedTries = 0
            enter(.identify(.progressLookUp, code: nil, codeSource: nil), at: now)
            return []
        case (.identify(let purpose, _, _), .collectionCode(let code, let source)) where purpose == .newPhoto && !code.isEmpty:
            phase = .identify(purpose, code: code, codeSource: source)
            notice = nil
            return []
        case (.identify(let purpose, let code, let source), .identify(let number, let tail)):
            return identify(purpose, code: code, source: source, number: number, tail: tail, at: now)
        case (.confirm(let card), .confirmRecord):
            startedAt = now.seconds
            enter(.capture(card), at: now)
            return [.startCamera]
        case (.capture(let card), .photoTaken(let photo)):
            enter(.review(card, photo), at: now)
            return [.stopCamera]
        case (.review(let card, _), .retake):
            enter(.capture(card), at: now)
            return [.startCamera]
        case (.review(let card, let photo), .accept):
            if photo.failsChecks {
                notice = .photoFailsChecks
                return []
            }
            if card.fee.yuan == 0 {
                return save(SessionOutcome(student: card, photo: photo, fee: card.fee,
                                           payment: PaymentConfirmation(method: .noCharge, confirmedBy: "station"),
                                           startedAt: startedAt), at: now)
            }
            enter(.fee(card, photo), at: now)
            return []
        case (.fee(let card, let photo), .paymentConfirmed(let payment)):
            if let problem = Payment(yuan: card.fee.yuan, method: payment.method, time: .distantPast,
                                     confirmedBy: payment.confirmedBy).problem {
                notice = .paymentProblem(problem)
                return []
            }
            return save(SessionOutcome(student: card, photo: photo, fee: card.fee, payment: payment, startedAt: startedAt), at: now)
        case (.saving, .saved(let receipt)):
            enter(.done(receiptCode: receipt), at: now)
            return []
        case (.saving(let outcome), .saveFailed(let chinese, let english)):
            enter(.saveFailed(outcome), at: now)
            notice = .saveFailed(chinese: chinese, english: english)
            return []
        case (.saveFailed(let outcome), .retrySave):
            return save(outcome, at: now)
        case (.done, .finish), (.progress, .finish):
            return reset(at: now, notice: nil)
        case (.identify, .cancel), (.confirm, .cancel), (.confirm, .rejectRecord), (.review, .cancel), (.fee, .cancel):
            return reset(at: now, notice: nil)
        case (.capture, .cancel):
            return [.stopCamera] + reset(at: now, notice: nil)
        default:
            // An event that means nothing here (a key pressed twice, a late frame) changes nothing.
            return []
        }
    }

    private mutating func identify(_ purpose: Purpose, code: String?, source: CodeSource?, number typedNumber: String,
                                   tail typedTail: String, at now: Moment) -> [Effect] {
        guard let number = StudentNumber(typedNumber.trimmingCharacters(in: .whitespaces)) else {
            notice = .studentNumberFormat
            return []
        }
        guard let tail = IDTail(typedTail.trimmingCharacters(in: .whitespaces)) else {
            notice = .idTailFormat
            return []
        }
        if purpose == .newPhoto && code == nil {
            notice = .collectionCodeMissing
            return []
        }
        let entry: RosterEntry?
        do {
            entry = try directory.identify(number, tail: tail)
        } catch {
            return storeFailed(error, at: now)
        }
        guard let entry else {
            failedTries += 1
            if failedTries >= settings.identificationTries {
                enter(.lockedOut(until: now.seconds + settings.lockoutSeconds), at: now)
                notice = .tooManyTries
                return [.clearScreen]
            }
            notice = .identityNotMatched(triesLeft: settings.identificationTries - failedTries)
            return []
        }
        switch purpose {
        case .progressLookUp:
            do {
                enter(.progress(ProgressView(name: entry.name, progress: try directory.progress(of: number))), at: now)
            } catch {
                return storeFailed(error, at: now)
            }
        case .newPhoto:
            let fee: FeeQuote
            do {
                fee = try fees.quote(batch: entry.batch, on: now.day, retakeOwed: entry.retakeOwed)
            } catch {
                return reset(at: now, notice: .feeNotSet)
            }
            enter(.confirm(StudentCard(studentNumber: number, name: entry.name, school: entry.school, batch: entry.batch,
                                       review: entry.review, retakeOwed: entry.retakeOwed, collectionCode: code ?? "",
                                       codeSource: source ?? .typed, fee: fee)), at: now)
        }
        return []
    }

    private mutating func save(_ outcome: SessionOutcome, at now: Moment) -> [Effect] {
        enter(.saving(outcome), at: now)
        return [.save(outcome)]
    }

    /// The directory failed: the store cannot be trusted with a session now.
    private mutating func storeFailed(_ error: any Error, at now: Moment) -> [Effect] {
        let english = "\(error)"
        outOfService = .outOfService(chinese: "本机数据库故障，暂停服务，请联系工作人员", english: english)
        return reset(at: now, notice: outOfService)
    }

    /// Back to idle with the screen cleared.
    private mutating func reset(at now: Moment, notice: Notice?) -> [Effect] {
        enter(.idle, at: now)
        failedTries = 0
        self.notice = notice
        return [.clearScreen]
    }

    private mutating func enter(_ next: Phase, at now: Moment) {
        phase = next
        enteredAt = now.seconds
        notice = nil
    }

    /// The effects of a time-out, or nil when the phase may still wait.
    private mutating func timeOut(at now: Moment) -> [Effect]? {
        let waited = now.seconds - enteredAt
        let limit: Double? = switch phase {
        case .identify: settings.identifySeconds
        case .confirm: settings.confirmSeconds
        case .capture: settings.captureSeconds
        case .review: settings.reviewSeconds
        case .fee: settings.feeSeconds
        case .done: settings.doneSeconds
        case .progress: settings.progressSeconds
        case let .lockedOut(until): until - enteredAt
        case .idle, .saving, .saveFailed: nil
        }
        guard let limit, waited >= limit else { return nil }
        let camera: [Effect] = if case .capture = phase { [.stopCamera] } else { [] }
        return camera + reset(at: now, notice: nil)
    }
}
