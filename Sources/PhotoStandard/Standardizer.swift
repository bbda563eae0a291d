import FaceKit
import Foundation
import ImageKit

/// Geometry measured on the finished photo, in its pixels.
public struct ResultGeometry: Hashable, Sendable, Codable {
    /// Top of the hair: the first row where the matte is at least half opaque over the middle
    /// of the face.
    public var headTop: Double
    public var eyeLine: Double
    public var faceWidth: Double
    /// Face centre minus the photo's centre line (negative: left of centre).
    public var centreOffset: Double

    /// The clauses this geometry breaks, empty when it meets `spec`.
    public func violations(of spec: PhotoSpec) -> [String] {
        var broken: [String] = []
        if !spec.headTop.contains(headTop) { broken.append("head top \(Int(headTop)) px, allowed \(spec.headTop)") }
        if !spec.eyeLine.contains(eyeLine) { broken.append("eye line \(Int(eyeLine)) px, allowed \(spec.eyeLine)") }
        if !spec.faceWidth.contains(faceWidth) { broken.append("face width \(Int(faceWidth)) px, allowed \(spec.faceWidth)") }
        if abs(centreOffset) > spec.centringTolerance {
            broken.append("face centre \(Int(centreOffset)) px off the middle, allowed ±\(Int(spec.centringTolerance))")
        }
        return broken
    }
}

/// Figures about the matte of the finished photo.
public struct MatteStatistics: Hashable, Sendable, Codable {
    /// Share of the photo covered by the person (mean alpha).
    public var personArea: Double
    /// Share of pixels that are partly transparent (0.02 < α < 0.98): the hair and edge band.
    public var transitionArea: Double
    /// Mean alpha along the top, left and right edges: should be 0, the backdrop.
    public var edgeAlpha: Double
}

/// The finished photo and everything measured on it.
public struct StandardPhoto: Sendable {
    public var jpeg: [UInt8]
    /// The composited photo before encoding.
    public var image: RGBImage
    /// The matte the photo was composited with.
    public var alpha: FloatPlane
    public var plan: CropPlan
    /// The whole-pixel region of the source frame the photo shows (it may reach past the
    /// frame's edges, where the backdrop is repeated): photo = (source − origin) × 480 / width.
    public var sourceRegion: PixelRect
    /// The landmarks moved into the photo's coordinates.
    public var landmarks: FaceLandmarks
    public var report: StandardizeReport
}

/// What `kiosk standardize --report` writes.
public struct StandardizeReport: Sendable, Codable {
    public var spec: String
    public var segmentation: String
    public var geometry: ResultGeometry
    public var violations: [String]
    public var matte: MatteStatistics
    public var plan: CropPlan
    public var encoding: Encoding

    public struct Encoding: Sendable, Codable {
        public var quality: Int
        public var bytes: Int
        public var dotsPerInch: Int
        /// Whether the file landed inside the spec's byte window.
        public var fit: WindowedJPEG.Fit
    }
}

/// Why the standardiser stopped: either the frame cannot give a spec photo (say it to the
/// student), or something failed that the operator must see.
public enum StandardizeError: Error, CustomStringConvertible, Sendable {
    case framing(FramingProblem)
    case plateSizeMismatch(image: PixelSize, plate: PixelSize)
    case segmentation(SegmentationError)
    case encoding(JPEGError)

    public var description: String {
        switch self {
        case let .framing(problem): problem.description
        case let .plateSizeMismatch(image, plate):
            "the clean plate is \(plate) but the photo is \(image): take the plate with the same camera settings"
        case let .segmentation(error): "segmentation: \(error)"
        case let .encoding(error): "encoding: \(error)"
        }
    }
}

extension PeopleRule {
    /// The person, or why no photo of one person can be made.
    public func person(_ faces: [DetectedFace]) -> Result<DetectedFace, FramingProblem> {
        let found = people(faces.map { FaceBox(rect: $0.box, score: $0.score) })
        guard let main = found.main else { return .failure(.noFace) }
        return found.others.isEmpty ? .success(faces[main]) : .failure(.severalPeople)
    }
}

/// Camera frame + face landmarks (+ clean plate) → the finished spec photo.
///
/// The person is found at reduced resolution first (enough for the top of the head), the crop
/// is solved, and only the region the photo shows is resampled to the photo's size; the matte
/// is refined, the colours estimated and the background replaced at that final resolution,
/// the only one anybody will look at.
public struct Standardizer: Sendable {
    public var spec: PhotoSpec
    public var segmenter = PersonSegmenter()
    public var refiner = MatteRefiner()

    /// - Parameter network: the person network for frames without a plate (and to help the
    ///   plate where the person's colour matches the wall); nil leaves grabCut alone.
    public init(spec: PhotoSpec = .diplomaBlue, network: PersonNetwork? = nil) {
        self.spec = spec
        segmenter.network = network
    }

    /// The person among the detector's faces by `rule` (the station's one rule, see
    /// `PeopleRule`): noFace or severalPeople when no photo of one person can be made.
    public static func mainFace(_ faces: [DetectedFace], rule: PeopleRule = PeopleRule()) -> Result<DetectedFace, FramingProblem> {
        rule.person(faces)
    }

    public func standardize(_ image: RGBImage, landmarks: FaceLandmarks, plate: RGBImage? = nil)
        throws(StandardizeError) -> StandardPhoto {
        if let plate, plate.size != image.size {
            throw .plateSizeMismatch(image: image.size, plate: plate.size)
        }
        let face = FaceGeometry(landmarks)
        let coarse: CoarseMask
        if let plate {
            do { coarse = try segmenter.segment(image, plate: plate, landmarks: landmarks) } catch { throw .segmentation(error) }
        } else {
            do { coarse = try segmenter.segment(image, landmarks: landmarks) } catch { throw .segmentation(error) }
        }
        let input = try framingInput(coarse, face: face, frame: image.bounds)
        let solver = CropSolver(spec: spec)
        var plan: CropPlan
        switch solver.solve(input) {
        case let .success(found): plan = found
        case let .failure(problem): throw .framing(problem)
        }
        var rendered = render(image, plate: plate, coarse: coarse, landmarks: landmarks, plan: plan)
        // The coarse head top can be off by a coarse pixel or two; when the fine matte puts it
        // outside the range or far from the aim, solve again with the fine value.
        let planned = plan.scale * input.headTop + plan.offsetY
        if !spec.headTop.contains(rendered.geometry.headTop) || abs(rendered.geometry.headTop - planned) > 8 {
            var refined = input
            refined.headTop = (rendered.geometry.headTop - rendered.mapping.offsetY) / rendered.mapping.scaleY
            if case let .success(better) = solver.solve(refined) {
                plan = better
                rendered = render(image, plate: plate, coarse: coarse, landmarks: landmarks, plan: plan)
            }
        }
        let encoded: WindowedJPEG
        do {
            encoded = try JPEG.encode(rendered.image, into: spec.encoderWindow,
                                      density: .dpi(spec.dotsPerInch))
        } catch { throw .encoding(error) }
        let report = StandardizeReport(
            spec: spec.name, segmentation: plate == nil ? segmenter.noPlateMethod : segmenter.plateMethod,
            geometry: rendered.geometry, violations: rendered.geometry.violations(of: spec),
            matte: statistics(rendered.alpha), plan: plan,
            encoding: .init(quality: encoded.quality, bytes: encoded.bytes.count, dotsPerInch: spec.dotsPerInch,
                            fit: encoded.fit))
        return StandardPhoto(jpeg: encoded.bytes, image: rendered.image, alpha: rendered.alpha, plan: plan,
                             sourceRegion: rendered.mapping.region, landmarks: rendered.landmarks, report: report)
    }

    func framingInput(_ coarse: CoarseMask, face: FaceGeometry, frame: PixelRect) throws(StandardizeError)
        -> FramingInput {
        guard let headTop = coarse.headTop(face) else { throw .framing(.noFace) }
        if coarse.window.y == frame.y && coarse.touchesTop(face) { throw .framing(.headCutOff) }
        let leftClear = coarse.window.x > frame.x || !coarse.touchesColumn(0)
        let rightClear = coarse.window.maxX < frame.maxX || !coarse.touchesColumn(coarse.mask.width - 1)
        return FramingInput(face: face, headTop: headTop, frameWidth: Double(frame.width),
                            frameHeight: Double(frame.height), leftEdgeClear: leftClear, rightEdgeClear: rightClear)
    }

    /// Source → photo: output = source × scale + offset, per axis after rounding the region
    /// to whole pixels (the two scales differ by under 0.2%).
    struct Mapping {
        var region: PixelRect
        var scaleX: Double, scaleY: Double
        var offsetX: Double { -Double(region.x) * scaleX }
        var offsetY: Double { -Double(region.y) * scaleY }
    }

    struct Rendered {
        var image: RGBImage
        var alpha: FloatPlane
        var landmarks: FaceLandmarks
        var geometry: ResultGeometry
        var mapping: Mapping
    }

    func render(_ image: RGBImage, plate: RGBImage?, coarse: CoarseMask, landmarks: FaceLandmarks,
                plan: CropPlan) -> Rendered {
        let r = plan.sourceRegion(spec)
        let region = PixelRect(x: Int(r.x.rounded()), y: Int(r.y.rounded()),
                               width: Int(r.width.rounded()), height: Int(r.height.rounded()))
        let mapping = Mapping(region: region, scaleX: Double(spec.width) / Double(region.width),
                              scaleY: Double(spec.height) / Double(region.height))
        let photo = Resampler.resample(image, region: region, to: spec.size)
        let platePhoto = plate.map { Resampler.resample($0, region: region, to: spec.size) }
        let moved = FaceLandmarks(points: landmarks.points.map {
            Point2D(x: $0.x * mapping.scaleX + mapping.offsetX, y: $0.y * mapping.scaleY + mapping.offsetY)
        })
        let face = FaceGeometry(moved)
        // The coarse mask decides what is person: found where averaging has beaten the noise
        // down, it keeps a collar or a shoulder that matches the wall, which a mask made at this
        // resolution lost. The refiner makes its edge follow the image.
        let mask = coarseMaskInPhoto(coarse, mapping: mapping)
        let bandScale = mapping.scaleX / coarse.scale
        var faint: GrayImage?
        if let platePhoto {
            // Thin hair lives around the head and is textured; a shadow is smooth, and below the
            // chin a faint difference is taken as shadow. The photo may show too little backdrop
            // beside the head to match the plate on: it is matched where the coarse mask, well
            // away from the person, saw backdrop.
            let margin = 2 * Int((face.faceWidth / 10).rounded()) + 1
            let near = mask.morphology(.dilate, width: margin)
            let backdrop = GrayImage(width: near.width, height: near.height,
                                     elements: near.elements.map { $0 == 0 ? 255 : 0 })
            let difference = segmenter.plateDifference
            let match = difference.match(photo, plate: platePhoto, backdrop: backdrop)
            var faintHair = difference.faint.foregroundMask(photo, plate: platePhoto, match: match)
            let texture = shadingTexture(photo, plate: platePhoto)
            faintHair.withUnsafeMutableRows { p, stride in
                texture.withUnsafeRows { t, ts in
                    for y in 0..<spec.height {
                        for x in 0..<spec.width where y >= Int(face.chinY) || t[y * ts + x] < 0.03 {
                            p[y * stride + x] = 0
                        }
                    }
                }
            }
            faint = faintHair
        }
        let skinHull = convexHull(moved.points[17...67].map { $0 })
        let skin = rasterize(skinHull, width: spec.width, height: spec.height)
        let matte = refiner.refine(image: photo, mask: mask, sureForeground: skin, plate: platePhoto,
                                   faint: faint, bandScale: bandScale)
        let composed = matte.composite(over: spec.background)
        let geometry = ResultGeometry(
            headTop: headTop(matte.alpha, face: face) ?? 0, eyeLine: face.eyeLine, faceWidth: face.faceWidth,
            centreOffset: face.centreX - Double(spec.width) / 2)
        return Rendered(image: composed, alpha: matte.alpha, landmarks: moved, geometry: geometry, mapping: mapping)
    }

    /// The local standard deviation (5 × 5) of the brightness ratio between image and plate:
    /// near 0 on bare or shadowed backdrop, large over hair.
    func shadingTexture(_ image: RGBImage, plate: RGBImage) -> FloatPlane {
        let luma = image.grayscale().floatPlane(), plateLuma = plate.grayscale().floatPlane()
        let ratio = FloatPlane.combine([luma, plateLuma]) { out, p, n in
            for i in 0..<n { out[i] = (p[0][i] + 0.02) / (p[1][i] + 0.02) }
        }
        let squares = FloatPlane.combine([ratio]) { out, p, n in for i in 0..<n { out[i] = p[0][i] * p[0][i] } }
        let mean = ratio.boxFiltered(width: 5), meanSquare = squares.boxFiltered(width: 5)
        return FloatPlane.combine([mean, meanSquare]) { out, p, n in
            for i in 0..<n { out[i] = max(0, p[1][i] - p[0][i] * p[0][i]).squareRoot() }
        }
    }

    /// The coarse mask sampled (bilinear, then halfway threshold) at the photo's pixels.
    func coarseMaskInPhoto(_ coarse: CoarseMask, mapping: Mapping) -> GrayImage {
        var out = GrayImage(width: spec.width, height: spec.height)
        let m = coarse.mask, s = coarse.scale
        let width = spec.width, height = spec.height
        m.withUnsafeRows { src, stride in
            func at(_ x: Int, _ y: Int) -> Float {
                x < 0 || y < 0 || x >= m.width || y >= m.height ? 0 : Float(src[y * stride + x])
            }
            out.withUnsafeMutableRows { dst, ds in
                for v in 0..<height {
                    let sy = Double(mapping.region.y) + (Double(v) + 0.5) / mapping.scaleY
                    let my = (sy - Double(coarse.window.y)) * s - 0.5
                    let y0 = Int(my.rounded(.down)), fy = Float(my - Double(y0))
                    for u in 0..<width {
                        let sx = Double(mapping.region.x) + (Double(u) + 0.5) / mapping.scaleX
                        let mx = (sx - Double(coarse.window.x)) * s - 0.5
                        let x0 = Int(mx.rounded(.down)), fx = Float(mx - Double(x0))
                        let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
                        let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
                        dst[v * ds + u] = top * (1 - fy) + bottom * fy >= 127.5 ? 255 : 0
                    }
                }
            }
        }
        return out
    }

    /// The first row where alpha reaches one half over the middle 60% of the face's width.
    func headTop(_ alpha: FloatPlane, face: FaceGeometry) -> Double? {
        let x0 = max(0, Int(face.centreX - face.faceWidth * 0.3)), x1 = min(alpha.width, Int(face.centreX + face.faceWidth * 0.3))
        guard x0 < x1 else { return nil }
        return alpha.withUnsafeRows { p, stride in
            for y in 0..<min(alpha.height, Int(face.eyeLine)) {
                for x in x0..<x1 where p[y * stride + x] >= 0.5 {
                    // Sub-pixel: where alpha crosses one half between this row and the one above.
                    let above = y > 0 ? p[(y - 1) * stride + x] : 0
                    return Double(y) - Double((p[y * stride + x] - 0.5) / max(1e-3, p[y * stride + x] - above))
                        + 0.5
                }
            }
            return nil
        }
    }

    func statistics(_ alpha: FloatPlane) -> MatteStatistics {
        let values = alpha.elements
        let n = Double(values.count)
        let transition = values.reduce(0) { $0 + ($1 > 0.02 && $1 < 0.98 ? 1 : 0) }
        var edge = 0.0, edgeCount = 0.0
        for x in 0..<alpha.width { edge += Double(alpha[x, 0]); edgeCount += 1 }
        for y in 0..<alpha.height / 2 {
            edge += Double(alpha[0, y] + alpha[alpha.width - 1, y])
            edgeCount += 2
        }
        return MatteStatistics(personArea: values.reduce(0) { $0 + Double($1) } / n,
                               transitionArea: Double(transition) / n, edgeAlpha: edge / edgeCount)
    }
}

/// Cutting a region out of a frame and scaling it to the photo.
public enum Resampler {
    /// The region of `image`, reaching past its edges with the edge pixels repeated (only the
    /// backdrop lies there; the matte makes it the new background), scaled to `size`.
    ///
    /// OpenCV's Lanczos kernel does not widen when shrinking, so it would alias beyond a factor
    /// of two: larger reductions first go to twice the final size by area averaging.
    public static func resample(_ image: RGBImage, region: PixelRect, to size: PixelSize) -> RGBImage {
        var source = image.bounds.intersection(region) == region ? image.cropped(to: region)
            : padded(image, region: region)
        if source.width > 2 * size.width {
            source = source.resized(to: PixelSize(width: 2 * size.width, height: 2 * size.height), filter: .area)
        }
        return source.resized(to: size, filter: .lanczos)
    }

    static func padded(_ image: RGBImage, region: PixelRect) -> RGBImage {
        var out = RGBImage(width: region.width, height: region.height)
        let w = image.width, h = image.height
        image.withUnsafeRows { src, stride in
            out.withUnsafeMutableRows { dst, ds in
                for y in 0..<region.height {
                    let row = src + min(h - 1, max(0, region.y + y)) * stride
                    for x in 0..<region.width {
                        let sx = min(w - 1, max(0, region.x + x))
                        for c in 0..<3 { dst[y * ds + 3 * x + c] = row[3 * sx + c] }
                    }
                }
            }
        }
        return out
    }
}
