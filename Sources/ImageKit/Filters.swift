import CVision

/// How `resized(to:filter:)` computes each output pixel.
public enum ResampleFilter: String, Sendable, Codable, CaseIterable {
    /// Averages every source pixel an output pixel covers: the right choice for shrinking.
    case area
    /// Bilinear interpolation: fast, for previews and analysis copies.
    case bilinear
    /// Lanczos over 8×8 neighbours: the sharpest without ringing worth mentioning; for the final photo.
    case lanczos
    /// Bicubic interpolation.
    case bicubic
    /// Nearest neighbour: keeps labels and masks exact.
    case nearest

    var native: cvk_interpolation {
        switch self {
        case .area: CVK_INTER_AREA
        case .bilinear: CVK_INTER_LINEAR
        case .lanczos: CVK_INTER_LANCZOS4
        case .bicubic: CVK_INTER_CUBIC
        case .nearest: CVK_INTER_NEAREST
        }
    }
}

/// The shape of a morphology kernel.
public enum KernelShape: Sendable {
    case rectangle
    case ellipse
}

/// A morphology operation.
public enum MorphologyOperation: Sendable {
    case erode, dilate, open, close

    var native: cvk_morph_op {
        switch self {
        case .erode: CVK_MORPH_ERODE
        case .dilate: CVK_MORPH_DILATE
        case .open: CVK_MORPH_OPEN
        case .close: CVK_MORPH_CLOSE
        }
    }
}

extension PixelBuffer where Format: NativePixelFormat {
    /// A copy scaled to `size` with `filter`; the aspect ratio is the caller's choice.
    public func resized(to size: PixelSize, filter: ResampleFilter) -> PixelBuffer {
        precondition(size.width > 0 && size.height > 0, "resize to an empty size \(size)")
        return try! withNativeImage { src in
            try nativeProduce("resize", width: size.width, height: size.height) {
                cvk_resize(src, $0, Int32(filter.native.rawValue))
            }
        }
    }

    /// Gaussian blur with standard deviation `sigma` in pixels (borders reflected).
    public func gaussianBlurred(sigma: Double, sigmaY: Double? = nil) -> PixelBuffer {
        try! mapNative("Gaussian blur") { cvk_gaussian_blur($0, $1, sigma, sigmaY ?? sigma) }
    }

    /// Mean over a `width × height` window around each pixel (borders reflected).
    public func boxFiltered(width kw: Int, height kh: Int? = nil) -> PixelBuffer {
        try! mapNative("box filter") { cvk_box_filter($0, $1, Int32(kw), Int32(kh ?? kw), 1) }
    }

    /// Erosion, dilation, opening or closing with a kernel of the given shape and size.
    public func morphology(_ operation: MorphologyOperation, shape: KernelShape = .ellipse,
                           width kw: Int, height kh: Int? = nil, iterations: Int = 1) -> PixelBuffer {
        let nativeShape = shape == .ellipse ? CVK_SHAPE_ELLIPSE : CVK_SHAPE_RECT
        return try! mapNative("morphology") {
            cvk_morphology($0, $1, Int32(operation.native.rawValue), Int32(nativeShape.rawValue),
                           Int32(kw), Int32(kh ?? kw), Int32(iterations))
        }
    }
}

extension PixelBuffer where Format == Gray {
    /// For each non-zero pixel, the Euclidean distance in pixels to the nearest zero pixel.
    public func distanceTransform() -> FloatPlane {
        try! mapNative("distance transform") { cvk_distance_transform($0, $1) }
    }

    /// The 8-connected non-zero region with the most pixels inside `rect`, holes filled
    /// (255 in, 0 out): the person in a segmentation mask, without specks elsewhere and without
    /// gaps where clothing matched the backdrop.
    ///
    /// For a body that runs on past the bottom edge, pass `bottomReach` > 0: regions entering
    /// from the bottom edge within that many pixels of the chosen one join it (shoulders cut
    /// off the neck by a collar the colour of the wall), and what the body encloses against
    /// the bottom edge is filled.
    public func largestComponent(in rect: PixelRect, bottomReach: Int = 0) -> GrayImage {
        try! mapNative("largest component") {
            cvk_component_in_rect($0, Int32(rect.x), Int32(rect.y), Int32(rect.width), Int32(rect.height),
                                  Int32(bottomReach), $1)
        }
    }

    /// The summed-area table: entry `(x, y)` is the sum of all pixels above and left of it,
    /// so the table is one larger than the image in each direction.
    public func integralImage() -> IntegralImage {
        IntegralImage(self)
    }
}

/// Sums and sums of squares over any rectangle of a grey image in constant time.
public struct IntegralImage: Sendable {
    public let sums: PixelBuffer<GrayInt32>
    public let squares: PixelBuffer<GrayDouble>

    public init(_ image: GrayImage) {
        var sums = PixelBuffer<GrayInt32>(width: image.width + 1, height: image.height + 1)
        var squares = PixelBuffer<GrayDouble>(width: image.width + 1, height: image.height + 1)
        let status = image.withNativeImage { src in
            sums.withMutableNativeImage { sum in
                squares.withMutableNativeImage { sq in cvk_integral(src, sum, sq) }
            }
        }
        precondition(status == 0, String(cString: cvk_last_error()))
        self.sums = sums
        self.squares = squares
    }

    /// The sum of the pixels inside `rect`, which must lie within the image.
    public func sum(_ rect: PixelRect) -> Int {
        Int(sums[rect.maxX, rect.maxY]) - Int(sums[rect.x, rect.maxY])
            - Int(sums[rect.maxX, rect.y]) + Int(sums[rect.x, rect.y])
    }

    /// The mean and variance of the pixels inside `rect`.
    public func meanAndVariance(_ rect: PixelRect) -> (mean: Double, variance: Double) {
        let n = Double(max(1, rect.width * rect.height))
        let s = Double(sum(rect))
        let q = squares[rect.maxX, rect.maxY] - squares[rect.x, rect.maxY]
            - squares[rect.maxX, rect.y] + squares[rect.x, rect.y]
        let mean = s / n
        return (mean, max(0, q / n - mean * mean))
    }
}
