import Foundation
import PhotoStandard
import Testing

@Suite("Crop solver")
struct CropSolverTests {
    let spec = PhotoSpec.diplomaBlue

    /// A face of cheek width `width` with its eyes at `eye` and hair `hair` face widths above them.
    func input(width: Double = 300, eye: Double = 500, centre: Double = 960, hair: Double = 0.7,
               frame: (Double, Double) = (1920, 1080), clear: Bool = true) -> FramingInput {
        let face = FaceGeometry(eyeLine: eye, faceWidth: width, centreX: centre, chinY: eye + 0.75 * width,
                                browTop: eye - 0.2 * width)
        return FramingInput(face: face, headTop: eye - hair * width, frameWidth: frame.0, frameHeight: frame.1,
                            leftEdgeClear: clear, rightEdgeClear: clear)
    }

    func measured(_ plan: CropPlan, _ input: FramingInput) -> (head: Double, eye: Double, width: Double, centre: Double) {
        (plan.scale * input.headTop + plan.offsetY, plan.scale * input.face.eyeLine + plan.offsetY,
         plan.scale * input.face.faceWidth, plan.scale * input.face.centreX + plan.offsetX - Double(spec.width) / 2)
    }

    @Test func typicalFrameLandsEveryMeasureInsideItsRangeNearThePreferredValue() throws {
        let framing = input()
        let plan = try CropSolver(spec: spec).solve(framing).get()
        let m = measured(plan, framing)
        #expect(spec.headTop.contains(m.head) && spec.eyeLine.contains(m.eye) && spec.faceWidth.contains(m.width))
        #expect(abs(m.centre) < 0.5)
        #expect(abs(m.width - spec.faceWidth.preferred) < 20)
        #expect(abs(m.head - spec.headTop.preferred) < 15)
    }

    @Test(arguments: [0.45, 0.7, 1.0, 1.25])
    func hairHeightIsAbsorbedWithinTheRanges(hair: Double) throws {
        let framing = input(hair: hair)
        let plan = try CropSolver(spec: spec).solve(framing).get()
        let m = measured(plan, framing)
        #expect(spec.headTop.contains(m.head), "head top \(m.head)")
        #expect(spec.eyeLine.contains(m.eye), "eye line \(m.eye)")
        #expect(spec.faceWidth.contains(m.width), "face width \(m.width)")
    }

    @Test func scaleIsPositiveAndUniform() throws {
        let plan = try CropSolver(spec: spec).solve(input()).get()
        #expect(plan.scale > 0, "a negative scale would mirror")
    }

    @Test func smallFaceNeedingTooMuchEnlargementIsTooFar() {
        // The smallest allowed face needs more than the largest enlargement.
        let width = spec.faceWidth.minimum / spec.maximumUpscale - 5
        #expect(CropSolver(spec: spec).solve(input(width: width)) == .failure(.tooFar))
    }

    @Test func faceFillingTheFrameIsTooClose() {
        #expect(CropSolver(spec: spec).solve(input(width: 700, eye: 420)) == .failure(.tooClose))
    }

    @Test func frameEndingBelowTheChinMissesTheShoulders() {
        #expect(CropSolver(spec: spec).solve(input(eye: 800)) == .failure(.shouldersMissing))
    }

    @Test func personAtTheFrameEdgeWithTheBodyTouchingItIsOffCentre() {
        #expect(CropSolver(spec: spec).solve(input(centre: 150, clear: false)) == .failure(.offCentre))
    }

    @Test func clearBackdropAtTheEdgeLetsThePhotoReachPastIt() throws {
        let framing = input(centre: 150, clear: true)
        let m = measured(try CropSolver(spec: spec).solve(framing).get(), framing)
        #expect(abs(m.centre) < 0.5)
    }

    @Test func hairFarAboveTheEyesCannotMeetBothVerticalRanges() {
        #expect(CropSolver(spec: spec).solve(input(hair: 1.6)) == .failure(.headTooTall))
    }

    @Test func everyProblemSpeaksChineseAndEnglish() {
        for problem in FramingProblem.allCases {
            #expect(!problem.chinese.isEmpty && problem.chinese.unicodeScalars.contains { $0.value >= 0x4E00 })
            #expect(problem.english.count > 10)
        }
    }
}

@Suite("Photo spec")
struct PhotoSpecTests {
    @Test func blueSpecHoldsThePublishedNumbers() {
        let spec = PhotoSpec.diplomaBlue
        #expect(spec.size.width == 480 && spec.size.height == 640 && spec.dotsPerInch == 300)
        #expect(spec.minimumQuality == 60 && spec.byteWindow == 20_480...40_000)
        #expect(spec.background == RGBColor(r: 100, g: 197, b: 255))
        #expect(spec.headTop.minimum == 50 && spec.headTop.maximum == 110)
        #expect(spec.eyeLine.minimum == 200 && spec.eyeLine.maximum == 300)
        #expect(spec.faceWidth.minimum == 180 && spec.faceWidth.maximum == 300)
    }

    @Test func whiteVariantDiffersOnlyInTheBackground() {
        var white = PhotoSpec.diplomaWhite
        #expect(white.background == RGBColor(r: 255, g: 255, b: 255))
        white.background = PhotoSpec.diplomaBlue.background
        white.name = PhotoSpec.diplomaBlue.name
        #expect(white == PhotoSpec.diplomaBlue)
    }

    @Test func specRoundTripsThroughJSONForConfiguration() throws {
        let data = try JSONEncoder().encode(PhotoSpec.diplomaBlue)
        #expect(try JSONDecoder().decode(PhotoSpec.self, from: data) == PhotoSpec.diplomaBlue)
    }
}
