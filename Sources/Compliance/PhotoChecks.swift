import FaceKit
import Foundation
import ImageKit
import PhotoStandard

/// Checks of the finished photo: the file clauses, read from the JPEG's headers, and what
/// its pixels must show: the background colour at the edges, nothing but the person on it,
/// and the portrait's geometry.
public struct PhotoChecks: Sendable {
    public var spec: PhotoSpec
    public var limits: ComplianceLimits

    public init(spec: PhotoSpec = .diplomaBlue, limits: ComplianceLimits = .standard) {
        self.spec = spec
        self.limits = limits
    }

    /// The file clauses: pixel size, 24-bit colour, baseline JPEG, density, quality, bytes.
    public func file(_ info: JPEGInfo, bytes: Int) -> [CheckResult] {
        func exact(_ id: CheckID, _ clause: String, _ ok: Bool, value: Double?, unit: String, limit: String,
                   detail: String) -> CheckResult {
            CheckResult(id: id, clause: clause, value: value, unit: unit, limit: limit, verdict: ok ? .pass : .fail,
                        hint: Hint("照片文件不合格：请用本机重新生成照片", "The photo file does not meet the standard: produce it again on this station"),
                        detail: detail)
        }
        let dpi = info.density.dotsPerInch
        let densityOK = info.hasJFIF && info.density.unit == .dotsPerInch
            && info.density.x == spec.dotsPerInch && info.density.y == spec.dotsPerInch
        return [
            exact(.fileSize, "size \(spec.width)×\(spec.height) px", info.width == spec.width && info.height == spec.height,
                  value: Double(info.width), unit: "px wide", limit: "exactly \(spec.width)×\(spec.height)",
                  detail: "\(info.width)×\(info.height)"),
            exact(.fileColour, "24-bit RGB colour", info.components == 3, value: Double(info.components * 8),
                  unit: "bits per pixel", limit: "24 (3 × 8 bit)", detail: "\(info.components) component(s)"),
            exact(.fileFormat, "baseline JPEG", info.isBaseline, value: nil, unit: "", limit: "baseline (sequential, Huffman)",
                  detail: info.progressive ? "progressive" : info.arithmeticCoding ? "arithmetic coding" : "baseline"),
            exact(.fileDensity, "\(spec.dotsPerInch) dpi in JFIF", densityOK, value: dpi, unit: "dpi",
                  limit: "JFIF, \(spec.dotsPerInch) dots per inch",
                  detail: info.hasJFIF ? info.density.description : "no JFIF header"),
            exact(.fileQuality, "JPEG quality ≥ \(spec.minimumQuality)", info.estimatedQuality >= spec.minimumQuality,
                  value: Double(info.estimatedQuality), unit: "IJG quality (estimated)", limit: "≥ \(spec.minimumQuality)",
                  detail: "estimated from the luminance quantisation table"),
            exact(.fileBytes, "file size in the byte window", spec.byteWindow.contains(bytes), value: Double(bytes),
                  unit: "bytes", limit: "\(spec.minimumBytes)–\(spec.maximumBytes)", detail: "\(bytes) bytes"),
        ]
    }

    /// The file clauses for a readable image that is not a JPEG: the format fails, the size
    /// and bytes are judged, the JPEG-only clauses cannot be.
    public func notJPEG(_ size: PixelSize, bytes: Int) -> [CheckResult] {
        let hint = Hint("照片文件不合格：请用本机重新生成照片", "The photo file does not meet the standard: produce it again on this station")
        let missing = [(CheckID.fileColour, "24-bit RGB colour"), (.fileDensity, "\(spec.dotsPerInch) dpi in JFIF"),
                       (.fileQuality, "JPEG quality ≥ \(spec.minimumQuality)")].map { id, clause in
            CheckResult(id: id, clause: clause, value: nil, unit: "", limit: "", verdict: .notChecked,
                        detail: "not a JPEG file: a JPEG header clause")
        }
        return missing + [
            CheckResult(id: .fileFormat, clause: "baseline JPEG", value: nil, unit: "", limit: "baseline (sequential, Huffman)",
                        verdict: .fail, hint: hint, detail: "not a JPEG file"),
            CheckResult(id: .fileSize, clause: "size \(spec.width)×\(spec.height) px", value: Double(size.width),
                        unit: "px wide", limit: "exactly \(spec.width)×\(spec.height)",
                        verdict: size == spec.size ? .pass : .fail, hint: hint, detail: "\(size)"),
            CheckResult(id: .fileBytes, clause: "file size in the byte window", value: Double(bytes), unit: "bytes",
                        limit: "\(spec.minimumBytes)–\(spec.maximumBytes)",
                        verdict: spec.byteWindow.contains(bytes) ? .pass : .fail, hint: hint, detail: "\(bytes) bytes"),
        ]
    }

    /// The background along the top and the upper sides (above the shoulders), in 16-pixel
    /// blocks: the worst block's mean colour distance (CIE76 ΔE) from the spec's colour.
    /// Pass within `spec.backgroundTolerance`, warn within twice that.
    public func backgroundColour(_ photo: RGBImage) -> CheckResult {
        let reference = SceneChecks.lab(spec.background)
        let block = 16
        var rects: [PixelRect] = []
        for x in stride(from: 0, to: photo.width - block + 1, by: block) { rects.append(PixelRect(x: x, y: 0, width: block, height: block)) }
        for y in stride(from: block, to: photo.height / 3, by: block) {
            rects.append(PixelRect(x: 0, y: y, width: block, height: block))
            rects.append(PixelRect(x: photo.width - block, y: y, width: block, height: block))
        }
        var worst = 0.0
        for rect in rects where rect.maxX <= photo.width && rect.maxY <= photo.height {
            let mean = photo.cropped(to: rect).meanColor()
            let lab = SceneChecks.lab(RGBColor(r: UInt8(mean.r.rounded()), g: UInt8(mean.g.rounded()), b: UInt8(mean.b.rounded())))
            let d = Double(((lab.l - reference.l) * (lab.l - reference.l) + (lab.a - reference.a) * (lab.a - reference.a)
                + (lab.b - reference.b) * (lab.b - reference.b)).squareRoot())
            worst = max(worst, d)
        }
        let limit = Limit.atMost(warn: spec.backgroundTolerance, fail: 2 * spec.backgroundTolerance)
        return CheckResult(id: .backgroundColour, clause: "background colour \(spec.background)", value: worst, unit: "ΔE",
                           limit: limit.description, verdict: limit.verdict(worst),
                           hint: Hint("背景颜色不符合要求：请重新生成照片", "The background colour is off: produce the photo again"),
                           detail: "worst 16-px block along the top and upper sides")
    }

    /// Anything on the background that is not the person: pixels further than ΔE 12 from
    /// the background colour outside the region connected to the face, as a share of the photo.
    public func strayObjects(_ photo: RGBImage, landmarks: FaceLandmarks) -> CheckResult {
        let reference = SceneChecks.lab(spec.background)
        // Quarter size: objects worth mentioning are larger than 4 pixels.
        let small = photo.resized(to: PixelSize(width: max(1, photo.width / 4), height: max(1, photo.height / 4)), filter: .area)
        let lab = small.lab()
        var mask = GrayImage(width: small.width, height: small.height)
        lab.withUnsafeRows { p, stride in
            mask.withUnsafeMutableRows { m, ms in
                for y in 0..<small.height {
                    for x in 0..<small.width {
                        let i = y * stride + 3 * x
                        let dl = p[i] - reference.l, da = p[i + 1] - reference.a, db = p[i + 2] - reference.b
                        m[y * ms + x] = dl * dl + da * da + db * db > 144 ? 255 : 0
                    }
                }
            }
        }
        let face = FaceGeometry(landmarks)
        let faceRect = PixelRect(x: Int((face.centreX - 0.3 * face.faceWidth) / 4), y: Int(face.browTop / 4),
                                 width: max(1, Int(0.6 * face.faceWidth / 4)), height: max(1, Int((face.chinY - face.browTop) / 4)))
        let person = mask.largestComponent(in: faceRect)
        var stray = 0
        for y in 0..<mask.height {
            for x in 0..<mask.width where mask[x, y] != 0 && person[x, y] == 0 { stray += 1 }
        }
        let share = Double(stray) / Double(mask.width * mask.height)
        return CheckResult(id: .strayObject, clause: "no other person or object", value: share, unit: "share",
                           limit: limits.strayShare.description, verdict: limits.strayShare.verdict(share),
                           hint: Hint("照片背景中有其他人或物体：请清理身后，只留一人入镜",
                                      "Another person or an object shows in the background: clear the space behind you"))
    }

    /// Head top (from the background colour above the head), eye line, face width and
    /// centring of the portrait, each against the spec's range.
    public func geometry(_ photo: RGBImage, landmarks: FaceLandmarks) -> [CheckResult] {
        let face = FaceGeometry(landmarks)
        let reference = SceneChecks.lab(spec.background)
        let columns = PixelRect(x: Int(face.centreX - 0.3 * face.faceWidth), y: 0,
                                width: max(1, Int(0.6 * face.faceWidth)), height: max(1, Int(face.eyeLine)))
            .intersection(photo.bounds)
        var headTop: Double?
        if !columns.isEmpty {
            let lab = photo.cropped(to: columns).lab()
            lab.withUnsafeRows { p, stride in
                rows: for y in 0..<lab.height {
                    var off = 0
                    for x in 0..<lab.width {
                        let i = y * stride + 3 * x
                        let dl = p[i] - reference.l, da = p[i + 1] - reference.a, db = p[i + 2] - reference.b
                        if dl * dl + da * da + db * db > 100 { off += 1 }
                    }
                    // A row is hair when a tenth of it is off the background colour.
                    if off * 10 >= lab.width { headTop = Double(y); break rows }
                }
            }
        }
        func range(_ id: CheckID, _ clause: String, _ value: Double?, _ target: TargetRange, _ hint: Hint) -> CheckResult {
            guard let value else {
                return CheckResult(id: id, clause: clause, value: nil, unit: "px", limit: target.description,
                                   verdict: .fail, hint: hint, detail: "not found on the photo")
            }
            return CheckResult(id: id, clause: clause, value: value, unit: "px", limit: "\(Int(target.minimum))–\(Int(target.maximum))",
                               verdict: target.contains(value) ? .pass : .fail, hint: hint)
        }
        let recrop = Hint("人像位置或大小不符合要求：请重新拍摄", "The portrait's position or size is off: take the photo again")
        return [
            range(.headTop, "top of the hair below the top edge", headTop, spec.headTop, recrop),
            range(.eyeLine, "eye line below the top edge", face.eyeLine, spec.eyeLine, recrop),
            range(.faceWidth, "face width", face.faceWidth, spec.faceWidth, recrop),
            CheckResult(id: .centring, clause: "portrait centred", value: face.centreX - Double(spec.width) / 2, unit: "px",
                        limit: "±\(Limit.format(spec.centringTolerance))",
                        verdict: abs(face.centreX - Double(spec.width) / 2) <= spec.centringTolerance ? .pass : .fail,
                        hint: recrop),
        ]
    }

    /// The clauses no measure here judges reliably from pixels: listed so that the
    /// operator or reviewer looks.
    public static var notChecked: [CheckResult] {
        [
            (CheckID.makeUp, "no heavy make-up", "make-up changes colour in ways skin tone and light also do"),
            (.jewellery, "no earrings or necklaces", "small, varied objects; no reliable detector here"),
            (.earsVisible, "ears visible, hair off the face", "the 68 landmarks do not cover the ears or hair"),
            (.headCovering, "bare head", "hats and headwear are not told apart from hair by the matte"),
            (.tintedGlasses, "no tinted glasses or coloured lenses", "no glasses detector; iris colour varies naturally"),
            (.clothingPattern, "no complex patterns or stripes", "texture alone does not tell a pattern from folds"),
        ].map { id, clause, why in
            CheckResult(id: id, clause: clause, value: nil, unit: "", limit: "", verdict: .notChecked,
                        hint: Hint("请工作人员目视确认", "Operator: please check by eye"), detail: "not checked: \(why)")
        }
    }
}
