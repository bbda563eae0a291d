import Foundation
import Speech
import Testing

private func enabled(_ change: (inout SpeechSettings) -> Void = { _ in }) -> SpeechSettings {
    var settings = SpeechSettings()
    settings.enabled = true
    settings.repeatAfterSeconds = 10
    settings.minimumGapSeconds = 2
    change(&settings)
    return settings
}

/// What the limiter answers to each request in turn: (instruction, time, still speaking).
private func answers(_ settings: SpeechSettings, _ requests: [(String, Double, Bool)], resetBefore: Int? = nil) -> [Bool] {
    var limiter = PromptLimiter(settings: settings)
    return requests.enumerated().map { index, request in
        if index == resetBefore { limiter.reset() }
        return limiter.admit(request.0, at: request.1, stillSpeaking: request.2)
    }
}

@Suite struct PromptLimiterTests {
    @Test func theSameInstructionIsNotSpokenAgainWithinTheRepeatTime() {
        let said = answers(enabled(), [("closer", 0, false), ("closer", 3, false), ("closer", 9.9, false), ("closer", 10, false)])
        #expect(said == [true, false, false, true])
    }

    @Test func nothingIsSpokenWhileThePreviousIsStillSpeakingOrWithinTheGap() {
        // Another instruction 1 s later (within the gap), at 2.5 s while the first still
        // plays, then at 2.5 s once it has ended.
        let said = answers(enabled(), [("closer", 0, false), ("left", 1, false), ("left", 2.5, true), ("left", 2.5, false)])
        #expect(said == [true, false, false, true])
    }

    @Test func aGuidanceLoopAskingEveryFrameSpeaksOnlyAFewTimes() {
        // 30 frames a second for 20 s, the instruction changing every 4 s.
        let keys = ["closer", "left", "closer", "chin up", "left"]
        let requests = (0..<600).map { frame in (keys[frame / 120], Double(frame) / 30, false) }
        let said = answers(enabled(), requests)
        let spoken = zip(requests, said).filter(\.1).map(\.0)
        #expect(spoken.map(\.0) == keys)
        #expect(zip(spoken.dropFirst(), spoken).allSatisfy { $0.1 - $1.1 >= 2 })
    }

    @Test func offByDefaultAndAfterResetEverythingIsNew() {
        #expect(answers(SpeechSettings(), [("closer", 0, false)]) == [false])
        #expect(answers(enabled(), [("closer", 0, false), ("closer", 0.5, false)], resetBefore: 1) == [true, true])
    }

    @Test func settingsThatCannotWorkAreNamed() {
        #expect(SpeechSettings().invalidSetting() == nil)
        #expect(enabled { $0.wordsPerMinute = 20 }.invalidSetting()?.key == "wordsPerMinute")
        #expect(enabled { $0.minimumGapSeconds = 30 }.invalidSetting()?.key == "minimumGapSeconds")
        #expect(enabled { $0.mandarinVoice = "" }.invalidSetting()?.key == "mandarinVoice")
        #expect(enabled { $0.program = "/nonexistent/espeak-ng" }.invalidSetting()?.key == "program")
        var off = SpeechSettings()
        off.program = "/nonexistent/espeak-ng"
        #expect(off.invalidSetting() == nil, "speech off needs no program")
    }
}

@Suite struct SpokenPromptOrderTests {
    private func said(_ prompt: SpokenPrompt, english: Bool = false) -> [String] {
        var settings = SpeechSettings()
        settings.english = english
        return prompt.parts(settings).map { "\($0.voice)|\($0.text)" }
    }

    @Test func mandarinAlwaysAndEnglishWhenChosenOrShownFirst() {
        let prompt = SpokenPrompt(key: "k", mandarin: "请抬头", english: "Lift your chin")
        #expect(said(prompt) == ["cmn|请抬头"])
        #expect(said(prompt, english: true) == ["cmn|请抬头", "en|Lift your chin"])
        var englishFirst = prompt
        englishFirst.englishFirst = true
        #expect(said(englishFirst) == ["en|Lift your chin", "cmn|请抬头"])
        #expect(said(englishFirst, english: true) == ["en|Lift your chin", "cmn|请抬头"])
    }

    @Test func aLanguageTheScreenDoesNotShowIsNotSpoken() {
        // One language on screen (no second line): only it is said, in its own voice.
        #expect(said(SpokenPrompt(key: "k", mandarin: "", english: "Lift your chin", englishFirst: true)) == ["en|Lift your chin"])
        #expect(said(SpokenPrompt(key: "k", mandarin: "请抬头", english: " "), english: true) == ["cmn|请抬头"])
    }
}

/// The RMS of a WAV file's samples and its length in seconds, by Python's `wave` module
/// (not by the code under test).
private func loudness(_ file: URL) throws -> (rms: Double, seconds: Double) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", """
        import array, math, sys, wave
        w = wave.open(sys.argv[1])
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        a = array.array("h", w.readframes(w.getnframes()))
        print(math.sqrt(sum(x * x for x in a) / max(1, len(a))) / 32768, w.getnframes() / w.getframerate())
        """, file.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let values = text.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    return (values.first ?? 0, values.last ?? 0)
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: SpeechSettings.standard.program),
                "espeak-ng is not installed: run scripts/setup.sh"))
struct SpokenPromptTests {
    @Test(arguments: [("cmn", "请再靠近一点"), ("en", "Please come a little closer")])
    func anInstructionRenderedToAWAVFileIsNotSilent(_ voice: String, _ text: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("speech-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        try Speaker.render(text, voice: voice, to: file)
        let heard = try loudness(file)
        print("speech \(voice): \(String(format: "%.2f", heard.seconds)) s, RMS \(String(format: "%.4f", heard.rms)) of full scale")
        #expect(heard.seconds > 0.5)
        // Silence is 0; speech at espeak-ng's default amplitude is far above 1 % of full scale.
        #expect(heard.rms > 0.01)
    }

    @Test func anEmptyPromptRendersSilenceSoTheFloorMeansSomething() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("speech-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        try Speaker.render(" ", voice: "cmn", to: file)
        #expect(try loudness(file).rms < 0.01)
    }

    @Test func anUnknownVoiceIsAnErrorThatSaysEspeakFailed() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("speech-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: SpeechError.self) { try Speaker.render("你好", voice: "nosuchvoice", to: file) }
    }
}
