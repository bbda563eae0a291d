import FaceKit
import Foundation
import ImageKit
import PhotoStandard
import Testing
@testable import Guidance

/// A frontal face built from measures alone: the landmarks only give it a place.
private func face(yaw: Double = 0, pitch: Double = 0, roll: Double = 0, eyes: Double = 0.3, mouth: Double = 0) -> FaceObservation {
    let points = (0..<68).map { i in Point2D(x: 200 + 60 * cos(Double(i) * 0.1), y: 200 + 80 * sin(Double(i) * 0.1)) }
    let landmarks = FaceLandmarks(points: points)
    var measures = FaceMeasures(landmarks: landmarks, imageSize: PixelSize(width: 480, height: 360))
    measures.pose = HeadPose(yaw: yaw, pitch: pitch, roll: roll, reprojectionError: 1)
    measures.roll = roll
    measures.rightEyeAspectRatio = eyes
    measures.leftEyeAspectRatio = eyes
    measures.mouthOpenness = mouth
    return FaceObservation(box: PixelRect(x: 140, y: 120, width: 120, height: 160), landmarks: landmarks, measures: measures)
}

private func measures(at time: Double, face: FaceObservation? = face(), framing: FramingProblem? = nil,
                      balance: Double = 0, exposure: Double = 128, motion: Double? = 0) -> FrameMeasures {
    FrameMeasures(time: time, analysisSize: PixelSize(width: 480, height: 360), faceCount: face == nil ? 0 : 1,
                  face: face, framing: framing, exposure: exposure, lightBalance: balance, sharpness: 100, motion: motion)
}

/// Feeds the same kind of frame at 15 fps for `seconds` and returns the last output.
private func run(_ engine: inout GuidanceEngine, from start: Double, seconds: Double,
                 _ make: (Double) -> FrameMeasures) -> GuidanceOutput {
    var output: GuidanceOutput?
    var t = start
    while t < start + seconds {
        output = engine.update(make(t))
        t += 1.0 / 15
    }
    return output!
}

@Suite("Guidance decisions")
struct GuidanceEngineTests {
    @Test("with nobody in view the instruction is to sit inside the frame")
    func noFace() {
        var engine = GuidanceEngine()
        let out = run(&engine, from: 0, seconds: 1) { measures(at: $0, face: nil) }
        #expect(out.instruction?.chinese == "请坐到框内")
        #expect(out.instruction?.english == "Please sit inside the frame")
    }

    @Test("a framing problem is said before a pose problem; the pose comes once the framing is right")
    func priority() {
        var engine = GuidanceEngine()
        var out = run(&engine, from: 0, seconds: 1.5) { measures(at: $0, face: face(pitch: -25), framing: .offCentre) }
        #expect(out.issue == .framing(.offCentre))
        out = run(&engine, from: 1.5, seconds: 1.5) { measures(at: $0, face: face(pitch: -25)) }
        #expect(out.issue == .chinDown)
        #expect(out.instruction?.chinese == "请抬头")
    }

    @Test("a problem seen on a single frame does not change the instruction")
    func timeHysteresis() {
        var engine = GuidanceEngine()
        _ = run(&engine, from: 0, seconds: 2) { measures(at: $0, face: face(roll: 8)) }
        let blip = engine.update(measures(at: 2.0, face: face(roll: 8, mouth: 0.5), framing: .tooFar))
        #expect(blip.issue == .headTilted)
        let after = engine.update(measures(at: 2.07, face: face(roll: 8)))
        #expect(after.issue == .headTilted)
    }

    @Test("a tilt past the entry limit stays reported until it falls below the exit limit")
    func thresholdHysteresis() {
        var engine = GuidanceEngine()
        #expect(run(&engine, from: 0, seconds: 1.5) { measures(at: $0, face: face(roll: 6)) }.issue == .headTilted)
        #expect(run(&engine, from: 1.5, seconds: 1.5) { measures(at: $0, face: face(roll: 4)) }.issue == .headTilted)
        #expect(run(&engine, from: 3, seconds: 1.5) { measures(at: $0, face: face(roll: 2.5)) }.issue == nil)
        var fresh = GuidanceEngine()
        #expect(run(&fresh, from: 0, seconds: 1.5) { measures(at: $0, face: face(roll: 4)) }.issue == nil)
    }

    @Test("the yin-yang face is told which cheek is dark and where the light comes from")
    func yinYang() {
        var engine = GuidanceEngine()
        // Image-left (the person's right cheek) brighter: the person's left cheek is dark.
        let out = run(&engine, from: 0, seconds: 1.5) { measures(at: $0, balance: 0.4) }
        #expect(out.issue == .unevenLight(darkSide: .left))
        #expect(out.instruction?.chinese.hasPrefix("左脸偏暗（光从右侧来）") == true)
        #expect(out.instruction?.english.contains("left cheek is in shadow (light from your right)") == true)
        var other = GuidanceEngine()
        #expect(run(&other, from: 0, seconds: 1.5) { measures(at: $0, balance: -0.4) }.issue == .unevenLight(darkSide: .right))
    }

    @Test("eyes, lips, light and motion each have their instruction")
    func otherIssues() {
        let cases: [(FrameMeasures, GuidanceIssue)] = [
            (measures(at: 0, face: face(eyes: 0.1)), .eyesClosed),
            (measures(at: 0, face: face(mouth: 0.4)), .mouthOpen),
            (measures(at: 0, exposure: 30), .tooDark),
            (measures(at: 0, exposure: 240), .tooBright),
            (measures(at: 0, motion: 2), .moving),
            (measures(at: 0, face: face(yaw: 25)), .turnedAway),
        ]
        for (template, expected) in cases {
            var engine = GuidanceEngine()
            let out = run(&engine, from: 0, seconds: 1.5) { t in
                var m = template
                m.time = t
                return m
            }
            #expect(out.issue == expected)
        }
    }

    @Test("a steady good pose leads to a countdown from 3 and one capture; retake starts over")
    func countdownAndCapture() {
        var engine = GuidanceEngine()
        var seen: [Int] = []
        var captures = 0
        var t = 0.0
        while t < 6 {
            let out = engine.update(measures(at: t))
            if let n = out.countdown, seen.last != n { seen.append(n) }
            if out.captureNow { captures += 1 }
            t += 1.0 / 15
        }
        #expect(seen == [3, 2, 1])
        #expect(captures == 1)
        #expect(engine.phase == .capturing)
        engine.captured(passed: true)
        #expect(engine.phase == .review(passed: true))
        engine.retake()
        #expect(engine.phase == .guiding)
    }

    @Test("a problem during the countdown stops it")
    func countdownCancelled() {
        var engine = GuidanceEngine()
        _ = run(&engine, from: 0, seconds: 1.6) { measures(at: $0) }
        guard case .countdown = engine.phase else {
            Issue.record("no countdown after a steady period")
            return
        }
        let out = run(&engine, from: 1.6, seconds: 1.5) { measures(at: $0, face: face(yaw: 30)) }
        #expect(engine.phase == .guiding)
        #expect(out.issue == .turnedAway)
        #expect(!out.captureNow)
    }
}
