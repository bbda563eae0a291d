import ImageKit
@testable import PhotoStandard
import Testing

@Suite("Matting parts")
struct MattingPartsTests {
    @Test func plateDifferenceTakesShadowAsBackdropAndSkinAsPerson() {
        let plate = RGBImage(width: 3, height: 1, elements: [200, 196, 186, 200, 196, 186, 200, 196, 186])
        // The backdrop 40% darker (a shadow), skin, and the backdrop itself with noise.
        let image = RGBImage(width: 3, height: 1, elements: [120, 118, 112, 190, 140, 120, 202, 195, 188])
        let mask = PlateDifference().foregroundMask(image, plate: plate, match: .init(gains: [1, 1, 1], noise: 1))
        #expect(mask.elements == [0, 255, 0])
    }

    @Test func pushPullKeepsKnownPixelsAndFillsTheRestFromTheNearestOnes() {
        let values = FloatPlane(width: 8, height: 1, elements: [0.2, 0.2, 0, 0, 0, 0, 0.8, 0.8])
        let known = FloatPlane(width: 8, height: 1, elements: [1, 1, 0, 0, 0, 0, 1, 1])
        let filled = pushPullFill([values], weight: known)[0].elements
        #expect(filled[0] == 0.2 && filled[7] == 0.8)
        #expect(filled[2] < filled[5], "the gap leans towards its nearer side")
        #expect(filled[2...5].allSatisfy { $0 > 0.19 && $0 < 0.81 })
    }

    @Test func guidedFilterSnapsABlurredMatteToTheGuideEdge() {
        // The guide steps from dark to light at x = 32; the rough matte ramps over 16 pixels.
        let width = 64, height = 16
        let guide = RGBImage(width: width, height: height) { x, _ in x < 32 ? [30, 30, 30] : [220, 210, 200] }
        let rough = FloatPlane(width: width, height: height) { x, _ in [min(1, max(0, Float(x - 24) / 16))] }
        let sharp = guidedFilter(guide: ColorPlanes(guide), input: rough, radius: 4, epsilon: 1e-4)
        let roughStep = rough[33, 8] - rough[30, 8], sharpStep = sharp[33, 8] - sharp[30, 8]
        #expect(sharpStep > roughStep * 2, "edge \(roughStep) → \(sharpStep)")
    }

    @Test func compositeKeepsOpaquePersonAndPaintsTransparentPixelsTheBackground() {
        let alpha = FloatPlane(width: 2, height: 1, elements: [1, 0])
        let colour = FloatPlane(width: 2, height: 1, elements: [0.5, 0.5])
        let matte = Matte(alpha: alpha, foreground: ColorPlanes(r: colour, g: colour, b: colour))
        let out = matte.composite(over: RGBColor(r: 100, g: 197, b: 255))
        #expect(out.elements == [128, 128, 128, 100, 197, 255])
    }
}
