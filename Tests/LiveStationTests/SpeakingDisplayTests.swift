import Foundation
import Guidance
import LiveStation
import Speech
import TerminalUI
import Testing

/// A display that keeps what the speaking wrapper passes on.
private final class KeptScreens: StationDisplay {
    private(set) var screens: [ScreenContent] = []
    func show(_ content: ScreenContent) { screens.append(content) }
    func keys(waitMilliseconds: Int32) -> [Key] { [] }
}

/// A program in espeak-ng's place that logs each call as `voice|text`: what the station asked
/// to be said and in which voice (espeak-ng itself is tested by rendering to WAV, SpeechTests).
private final class SpeechLog {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("speech-log-\(UUID().uuidString)")
    var program: URL { folder.appendingPathComponent("say") }
    var log: URL { folder.appendingPathComponent("said.txt") }

    init() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // espeak-ng's arguments as the speaker passes them: -v VOICE -s RATE -- TEXT.
        try Data("#!/bin/sh\nprintf '%s|%s\\n' \"$2\" \"$6\" >> '\(log.path)'\n".utf8).write(to: program)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: program.path)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The calls so far, once `count` have come (or after 5 s), and a little later, so that a
    /// call too many would show.
    func said(atLeast count: Int) -> [String] {
        let deadline = Date().addingTimeInterval(5)
        while lines.count < count && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.3)
        return lines
    }

    private var lines: [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func settings(_ change: (inout SpeechSettings) -> Void = { _ in }) -> SpeechSettings {
        var settings = SpeechSettings()
        settings.program = program.path
        change(&settings)
        return settings
    }
}

private func screen(_ headline: String, _ subline: String) -> ScreenContent {
    ScreenContent(headline: headline, subline: subline)
}

@Suite("Speaking display")
struct SpeakingDisplayTests {
    @Test func offByDefaultNothingIsSaidAndEveryScreenIsShown() throws {
        let speech = try SpeechLog()
        let kept = KeptScreens()
        let display = SpeakingDisplay(kept, speaker: Speaker(settings: speech.settings()), language: LanguageChoice())
        for _ in 0..<10 { display.show(screen("请靠近一点", "Please come closer")) }
        #expect(speech.said(atLeast: 1).isEmpty)
        #expect(kept.screens.count == 10)
    }

    @Test func aScreenRedrawnManyTimesIsSaidOnceAndTheNextWaitsForTheGap() throws {
        let speech = try SpeechLog()
        let settings = speech.settings {
            $0.enabled = true
            $0.minimumGapSeconds = 0.5
            $0.repeatAfterSeconds = 10
        }
        let display = SpeakingDisplay(KeptScreens(), speaker: Speaker(settings: settings), language: LanguageChoice())
        // 30 redraws of one instruction, then at once 30 of another (within the gap).
        for _ in 0..<30 { display.show(screen("请靠近一点", "Please come closer")) }
        for _ in 0..<30 { display.show(screen("请抬头", "Lift your chin")) }
        #expect(speech.said(atLeast: 1) == ["cmn|请靠近一点"])
        // After the gap the new instruction is said; the first is not repeated within 10 s.
        Thread.sleep(forTimeInterval: 0.3)
        display.show(screen("请抬头", "Lift your chin"))
        display.show(screen("请靠近一点", "Please come closer"))
        #expect(speech.said(atLeast: 2) == ["cmn|请靠近一点", "cmn|请抬头"])
    }

    @Test(arguments: [(LanguageChoice.Language.english, false, ["en|Lift your chin", "cmn|请抬头"]),
                      (.chinese, true, ["cmn|请抬头", "en|Lift your chin"]),
                      (.chinese, false, ["cmn|请抬头"])])
    func theLanguageShownFirstIsSpokenFirst(_ primary: LanguageChoice.Language, _ english: Bool, _ expected: [String]) throws {
        let speech = try SpeechLog()
        let settings = speech.settings {
            $0.enabled = true
            $0.english = english
        }
        let language = LanguageChoice(primary: primary)
        let display = SpeakingDisplay(KeptScreens(), speaker: Speaker(settings: settings), language: language)
        let (headline, subline) = language.lines(Instruction(chinese: "请抬头", english: "Lift your chin"))
        display.show(screen(headline, subline))
        #expect(speech.said(atLeast: expected.count) == expected)
    }
}
