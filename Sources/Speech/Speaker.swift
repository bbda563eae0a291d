import Foundation

/// One instruction to speak: a key that names it (for the rate limit) and its words.
public struct SpokenPrompt: Sendable, Hashable {
    public var key: String
    public var mandarin: String
    public var english: String
    /// The station shows English first: it is spoken first, whatever `SpeechSettings.english` says.
    public var englishFirst: Bool

    public init(key: String, mandarin: String, english: String, englishFirst: Bool = false) {
        self.key = key
        self.mandarin = mandarin
        self.english = english
        self.englishFirst = englishFirst
    }

    /// What is said, in order, as (voice, text): the language the screen shows first, first.
    /// Mandarin always; English when the screen shows it first or `settings.english` asks for
    /// it. A language without words (the screen shows one language only) is left out.
    public func parts(_ settings: SpeechSettings) -> [(voice: String, text: String)] {
        let mandarinPart = (voice: settings.mandarinVoice, text: mandarin)
        let englishPart = (voice: settings.englishVoice, text: english)
        let parts = englishFirst ? [englishPart, mandarinPart] : settings.english ? [mandarinPart, englishPart] : [mandarinPart]
        return parts.filter { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}

/// Speaks the station's instructions through espeak-ng (Debian's `espeak-ng`), in the
/// languages and order of `SpokenPrompt.parts`; `PromptLimiter` decides when. Speaking runs in the
/// background: `say` returns at once and the live loop never waits for a voice.
public final class Speaker: @unchecked Sendable {
    private let settings: SpeechSettings
    private let lock = NSLock()
    private var limiter: PromptLimiter
    private var running: Process?

    public init(settings: SpeechSettings) {
        self.settings = settings
        limiter = PromptLimiter(settings: settings)
    }

    /// Whether a prompt is still being spoken.
    public var isSpeaking: Bool { lock.withLock { running?.isRunning ?? false } }

    /// Speaks `prompt` if the limiter allows it at `now`; returns whether it started.
    @discardableResult
    public func say(_ prompt: SpokenPrompt, at now: Double) -> Bool {
        lock.withLock {
            guard limiter.admit(prompt.key, at: now, stillSpeaking: running?.isRunning ?? false) else { return false }
            // One shell-free chain: one process per language, one at a time.
            running = start(prompt.parts(settings))
            return running != nil
        }
    }

    /// Forgets what was said (a new student).
    public func reset() {
        lock.withLock { limiter.reset() }
    }

    /// Starts speaking the first part; each part's end starts the next.
    private func start(_ parts: [(voice: String, text: String)]) -> Process? {
        guard let (voice, text) = parts.first else { return nil }
        let process = Self.process(settings, voice: voice, text: text, extra: [])
        let rest = Array(parts.dropFirst())
        process.terminationHandler = { [weak self] _ in
            guard let self, !rest.isEmpty else { return }
            self.lock.withLock { self.running = self.start(rest) }
        }
        do { try process.run() } catch { return nil }
        return process
    }

    /// Renders `text` in `voice` to a WAV file instead of the loudspeaker (what the tests
    /// and `kiosk doctor` can check without a sound card); waits for it.
    public static func render(_ text: String, voice: String, to file: URL, settings: SpeechSettings = .standard) throws(SpeechError) {
        let process = Self.process(settings, voice: voice, text: text, extra: ["-w", file.path])
        let errors = Pipe()
        process.standardError = errors
        do { try process.run() } catch { throw .programMissing(settings.program) }
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .failed(status: process.terminationStatus, message: String(decoding: said, as: UTF8.self))
        }
    }

    /// espeak-ng with the voice and rate; the text as one argument after `--`, never through a shell.
    private static func process(_ settings: SpeechSettings, voice: String, text: String, extra: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: settings.program)
        process.arguments = ["-v", voice, "-s", String(settings.wordsPerMinute)] + extra + ["--", text]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return process
    }
}

/// Why speech could not be made.
public enum SpeechError: Error, Equatable, CustomStringConvertible {
    case programMissing(String)
    case failed(status: Int32, message: String)

    public var description: String {
        switch self {
        case let .programMissing(path): "the speech program \(path) cannot be started; install espeak-ng (apt-get install espeak-ng)"
        case let .failed(status, message): "espeak-ng failed (status \(status)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }
}
