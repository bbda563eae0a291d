import ImageKit

/// The burst's focus measure: which of the burst frames is the sharpest.
///
/// A hand-written loop over the face's region only, where a call into OpenCV would first copy
/// the region.
public enum ImageMeasures {
    /// Variance of the 4-neighbour Laplacian inside `rect` (a standard focus measure: blur
    /// and motion blur remove the fine detail it responds to).
    public static func laplacianVariance(_ gray: GrayImage, in rect: PixelRect) -> Double {
        let r = rect.intersection(PixelRect(x: 1, y: 1, width: gray.width - 2, height: gray.height - 2))
        guard !r.isEmpty else { return 0 }
        var sum = 0.0, sumSquares = 0.0
        gray.withUnsafeRows { p, stride in
            for y in r.y..<r.maxY {
                let row = p + y * stride
                for x in r.x..<r.maxX {
                    let v = 4 * Int(row[x]) - Int(row[x - 1]) - Int(row[x + 1]) - Int(row[x - stride]) - Int(row[x + stride])
                    let d = Double(v)
                    sum += d
                    sumSquares += d * d
                }
            }
        }
        let n = Double(r.width * r.height)
        let mean = sum / n
        return sumSquares / n - mean * mean
    }
}
