import CVision

/// Why raw camera bytes could not be turned into an image.
public enum RawFrameError: Error, Equatable, CustomStringConvertible, Sendable {
    case tooShort(format: String, needed: Int, got: Int)
    case oddSize(format: String, width: Int, height: Int)

    public var description: String {
        switch self {
        case let .tooShort(format, needed, got):
            "\(format) frame is too short: \(got) bytes, \(needed) needed (was the frame size negotiated correctly?)"
        case let .oddSize(format, width, height):
            "\(format) needs an even width\(format == "NV12" ? " and height" : ""), got \(width)×\(height)"
        }
    }
}

extension PixelBuffer where Format == RGB {
    /// Decodes packed YUYV (YUY2) as webcams send it: BT.601, limited range (Y 16–235).
    ///
    /// - Parameter bytesPerLine: the driver's line length, at least `2 × width`.
    public init(yuyv bytes: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerLine: Int? = nil) throws {
        let stride = bytesPerLine ?? width * 2
        guard width % 2 == 0 else { throw RawFrameError.oddSize(format: "YUYV", width: width, height: height) }
        let needed = stride * (height - 1) + width * 2
        guard bytes.count >= needed else { throw RawFrameError.tooShort(format: "YUYV", needed: needed, got: bytes.count) }
        let src = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        self = try nativeProduce("YUYV→RGB", width: width, height: height) {
            cvk_yuyv_to_rgb(src, Int32(width), Int32(height), Int64(stride), $0)
        }
    }

    /// Decodes NV12 (a Y plane, then interleaved U,V at half resolution): BT.601, limited range.
    ///
    /// - Parameter bytesPerLine: the line length of both planes, at least `width`.
    public init(nv12 bytes: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerLine: Int? = nil) throws {
        let stride = bytesPerLine ?? width
        guard width % 2 == 0, height % 2 == 0 else {
            throw RawFrameError.oddSize(format: "NV12", width: width, height: height)
        }
        let needed = stride * height + stride * (height / 2 - 1) + width
        guard bytes.count >= needed else { throw RawFrameError.tooShort(format: "NV12", needed: needed, got: bytes.count) }
        let y = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let uv = y + stride * height
        self = try nativeProduce("NV12→RGB", width: width, height: height) {
            cvk_nv12_to_rgb(y, Int64(stride), uv, Int64(stride), Int32(width), Int32(height), $0)
        }
    }

    /// Luma with the BT.601 weights (0.299 R + 0.587 G + 0.114 B).
    public func grayscale() -> GrayImage {
        try! convert(CVK_RGB_TO_GRAY, "RGB→grey")
    }

    /// CIE L\*a\*b\* under D65, treating the pixels as sRGB.
    public func lab() -> LabImage {
        let unit: PixelBuffer<RGBFloat> = try! mapNative("RGB→float") { cvk_convert_scale($0, $1, 1.0 / 255.0, 0) }
        return try! unit.convert(CVK_RGB_TO_LAB, "RGB→L*a*b*")
    }

    /// The mean of each channel over the image.
    public func meanColor() -> (r: Double, g: Double, b: Double) {
        var sums = (0.0, 0.0, 0.0)
        withUnsafeRows { src, stride in
            for y in 0..<height {
                let row = src + y * stride
                var (r, g, b) = (0, 0, 0)
                for x in 0..<width {
                    r += Int(row[3 * x]); g += Int(row[3 * x + 1]); b += Int(row[3 * x + 2])
                }
                sums.0 += Double(r); sums.1 += Double(g); sums.2 += Double(b)
            }
        }
        let n = Double(max(1, width * height))
        return (sums.0 / n, sums.1 / n, sums.2 / n)
    }
}

extension PixelBuffer where Format == Lab {
    /// Back to 8-bit sRGB, rounding and clamping out-of-gamut colours.
    public func rgb() -> RGBImage {
        let unit: PixelBuffer<RGBFloat> = try! convert(CVK_LAB_TO_RGB, "L*a*b*→RGB")
        return try! unit.mapNative("float→RGB") { cvk_convert_scale($0, $1, 255.0, 0) }
    }
}

extension PixelBuffer where Format == Gray {
    /// The grey value repeated in R, G and B.
    public func rgb() -> RGBImage { try! convert(CVK_GRAY_TO_RGB, "grey→RGB") }

    /// The values scaled to floats: `value × scale + offset`.
    public func floatPlane(scale: Float = 1.0 / 255.0, offset: Float = 0) -> FloatPlane {
        try! mapNative("grey→float") { cvk_convert_scale($0, $1, Double(scale), Double(offset)) }
    }
}

extension PixelBuffer where Format == GrayFloat {
    /// The values as bytes: `value × scale + offset`, rounded and clamped to 0…255.
    public func grayImage(scale: Float = 255, offset: Float = 0) -> GrayImage {
        try! mapNative("float→grey") { cvk_convert_scale($0, $1, Double(scale), Double(offset)) }
    }
}

extension PixelBuffer where Format: NativePixelFormat {
    /// Applies a colour conversion into a fresh buffer of the same size.
    func convert<Out: NativePixelFormat>(_ code: cvk_color_code, _ name: String) throws -> PixelBuffer<Out> {
        try mapNative(name) { cvk_convert_color($0, $1, Int32(code.rawValue)) }
    }

    /// Runs a native `source → destination` operation into a fresh buffer of the same size.
    func mapNative<Out: NativePixelFormat>(
        _ name: String, _ body: (cvk_image, cvk_image) -> Int32
    ) throws -> PixelBuffer<Out> {
        try withNativeImage { src in
            try nativeProduce(name, width: width, height: height) { body(src, $0) }
        }
    }
}
