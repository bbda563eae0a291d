import ImageKit
import Testing

@Suite("Pixel buffers and views")
struct PixelBufferTests {
    @Test func croppedViewReadsTheSamePixelsWithoutCopying() {
        let image = RGBImage(width: 8, height: 6) { x, y in [UInt8(x), UInt8(y), UInt8(x * 10 + y)] }
        let view = image.cropped(to: PixelRect(x: 2, y: 1, width: 4, height: 3))
        #expect(view.width == 4 && view.height == 3)
        #expect(!view.isContiguous, "a view keeps the parent's row stride")
        #expect(view.rgb(0, 0) == (2, 1, 21))
        #expect(view.rgb(3, 2) == (5, 3, 53))
    }

    @Test func writingToAViewLeavesTheOriginalUntouched() {
        let image = GrayImage(width: 4, height: 4, filledWith: 7)
        var view = image.cropped(to: PixelRect(x: 1, y: 1, width: 2, height: 2))
        view[0, 0] = 200
        #expect(view[0, 0] == 200)
        #expect(image[1, 1] == 7)
        #expect(view.isContiguous, "the write made the view own a compact copy")
    }

    @Test func cropIsClippedToTheImage() {
        let image = GrayImage(width: 10, height: 10)
        let view = image.cropped(to: PixelRect(x: 8, y: -3, width: 5, height: 5))
        #expect(view.size == PixelSize(width: 2, height: 2))
    }

    @Test func elementsSkipRowPadding() {
        let image = GrayImage(width: 3, height: 2, elements: [1, 2, 3, 4, 5, 6])
        #expect(image.cropped(to: PixelRect(x: 1, y: 0, width: 2, height: 2)).elements == [2, 3, 5, 6])
    }
}
