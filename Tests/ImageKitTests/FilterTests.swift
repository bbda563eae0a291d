import ImageKit
import Testing

@Suite("Resampling and filters")
struct FilterTests {
    @Test(arguments: ResampleFilter.allCases)
    func aConstantImageStaysConstant(filter: ResampleFilter) {
        let image = RGBImage(width: 37, height: 23, filledWith: 131)
        for size in [PixelSize(width: 12, height: 9), PixelSize(width: 80, height: 50)] {
            let out = image.resized(to: size, filter: filter)
            #expect(out.size == size)
            #expect(out.elements.allSatisfy { abs(Int($0) - 131) <= 1 }, "\(filter) to \(size)")
        }
    }

    @Test func areaDownscaleAveragesEachBlock() {
        // 2×2 blocks of 0 and 200 in a checkerboard of single pixels average to 100.
        let image = GrayImage(width: 8, height: 8) { x, y in [(x + y) % 2 == 0 ? 0 : 200] }
        let out = image.resized(to: PixelSize(width: 4, height: 4), filter: .area)
        #expect(out.elements.allSatisfy { $0 == 100 })
    }

    @Test func bilinearUpscaleOfARampStaysMonotonic() {
        let ramp = GrayImage(width: 8, height: 1) { x, _ in [UInt8(x * 30)] }
        let up = ramp.resized(to: PixelSize(width: 32, height: 1), filter: .bilinear).elements
        #expect(zip(up, up.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(up.first == 0 && up.last == 210)
    }

    @Test func lanczosKeepsAnEdgeSharperThanBilinear() {
        let edge = GrayImage(width: 64, height: 4) { x, _ in [x < 32 ? 40 : 220] }
        func transitionWidth(_ filter: ResampleFilter) -> Int {
            edge.resized(to: PixelSize(width: 48, height: 3), filter: filter).elements.prefix(48)
                .filter { $0 > 60 && $0 < 200 }.count
        }
        #expect(transitionWidth(.lanczos) <= transitionWidth(.bilinear))
    }

    @Test func nearestNeighbourKeepsMaskValuesExact() {
        let mask = GrayImage(width: 4, height: 4) { x, _ in [x < 2 ? 0 : 255] }
        let out = mask.resized(to: PixelSize(width: 9, height: 7), filter: .nearest)
        #expect(Set(out.elements) == [0, 255])
    }

    @Test func gaussianBlurPreservesTheMeanAndSpreadsAPoint() {
        var image = FloatPlane(width: 21, height: 21)
        image[10, 10] = 1
        let blurred = image.gaussianBlurred(sigma: 2)
        #expect(abs(blurred.elements.reduce(0, +) - 1) < 1e-3)
        #expect(blurred[10, 10] < 0.05 && blurred[10, 10] > blurred[12, 10] && blurred[12, 10] > blurred[14, 10])
    }

    @Test func erosionAndDilationMoveASquaresEdgeByTheKernelRadius() {
        let square = GrayImage(width: 20, height: 20) { x, y in [(5..<15).contains(x) && (5..<15).contains(y) ? 255 : 0] }
        let count = { (image: GrayImage) in image.elements.filter { $0 == 255 }.count }
        #expect(count(square.morphology(.erode, shape: .rectangle, width: 3)) == 8 * 8)
        #expect(count(square.morphology(.dilate, shape: .rectangle, width: 3)) == 12 * 12)
        #expect(square.morphology(.open, shape: .rectangle, width: 3) == square)
    }

    @Test func distanceTransformIsEuclidean() {
        var mask = GrayImage(width: 15, height: 15, filledWith: 255)
        mask[3, 4] = 0
        let distance = mask.distanceTransform()
        #expect(distance[3, 4] == 0)
        #expect(abs(distance[6, 8] - 5) < 0.01)   // a 3-4-5 triangle
        #expect(abs(distance[13, 4] - 10) < 0.01)
    }

    @Test func integralImageSumsAnyRectangle() {
        let image = GrayImage(width: 7, height: 5) { x, y in [UInt8(x + 10 * y)] }
        let integral = image.integralImage()
        let rect = PixelRect(x: 2, y: 1, width: 3, height: 2)
        let expected = (1...2).flatMap { y in (2...4).map { x in x + 10 * y } }.reduce(0, +)
        #expect(integral.sum(rect) == expected)
        let stats = integral.meanAndVariance(PixelRect(x: 0, y: 0, width: 2, height: 1))
        #expect(stats.mean == 0.5 && stats.variance == 0.25)
    }

    @Test func grayFloatRoundTrip() {
        let image = GrayImage(width: 4, height: 1, elements: [0, 51, 204, 255])
        let plane = image.floatPlane()
        #expect(abs(plane[1, 0] - 0.2) < 1e-6)
        #expect(plane.grayImage() == image)
    }
}
