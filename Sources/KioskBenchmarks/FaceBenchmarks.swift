import DataCache
import FaceKit
import Foundation
import ImageKit

/// Face detection, landmarks, descriptor and the tracked per-frame path, each dlib call
/// timed beside the same call made by a plain C++ program (Benchmarks/dlib-reference) on
/// the same pixels in the same run. The program is built twice, with g++ (as Debian builds
/// libdlib) and with the clang++ that SwiftPM compiles CVision with, because most of dlib
/// is header templates compiled into the caller and the compiler alone moves some timings
/// by 2×: `ratio_clang` is the wrapper's cost, `ratio_gxx` the comparison with a g++
/// program. Ratios compare median thread CPU time (`cpu_ms`, `clang_cpu_ms`,
/// `gxx_cpu_ms`), which the load of a shared machine disturbs far less than wall time;
/// the printed median and percentiles are wall time.
///
/// Frames are 4:3 and 16:9 crops of obama.jpg around the face, scaled to 640×480 and
/// 1280×720; the tracked path replays a 90-frame pan-and-zoom over the same photo.
public struct FaceBenchmarks: BenchmarkSuite {
    public var name: String { "faces" }
    public var summary: String { "dlib face detection, landmarks, descriptor, CNN second opinion, tracked frames; ratio to plain C++" }

    public init() {}

    public func run(_ context: BenchmarkContext) throws -> [BenchmarkResult] {
        let cache = DataCache(root: context.dataCache)
        let models = FaceModels.defaults(models: cache.models)
        let photo = try ImageFile.read(cache.face("obama.jpg"))
        let rgb640 = Self.frame(photo, PixelSize(width: 640, height: 480))
        let gray640 = rgb640.grayscale()
        let gray1280 = Self.frame(photo, PixelSize(width: 1280, height: 720)).grayscale()
        let detector = try FaceDetector(models: models)
        let encoder = try FaceEncoder(models: models)
        guard let box = try detector.faceBoxes(in: gray640).first?.rect else {
            throw FaceError.invalidInput("no face found in the 640×480 benchmark frame")
        }

        let inputs = context.inputsDirectory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("kiosk-bench-faces-\(ProcessInfo.processInfo.processIdentifier)")
        try Self.writeInputs(to: inputs, gray640: gray640, gray1280: gray1280, rgb640: rgb640, box: box)
        defer { if context.inputsDirectory == nil { try? FileManager.default.removeItem(at: inputs) } }
        let references = [("g++", "gxx"), ("clang++", "clang")].compactMap { compiler, label in
            ReferenceProgram(compiler: compiler, inputs: inputs, models: models).map { (label, $0) }
        }

        var results: [BenchmarkResult] = []
        func record(_ name: String, reference operation: String? = nil, iterations: Int = context.iterations,
                    _ body: () throws -> Void) throws {
            results.append(try Self.paired(name, suite: self.name, iterations: iterations, warmup: context.warmup,
                                           references: operation.map { op in references.map { ($0, $1, op) } } ?? [],
                                           body))
        }
        let loads = max(4, context.iterations / 5)
        try record("load 68-point model + HOG detector", reference: "load68", iterations: loads) {
            blackHole(try FaceDetector(models: models))
        }
        try record("load ResNet + 5-point models", reference: "loadresnet", iterations: loads) {
            blackHole(try FaceEncoder(models: models))
        }
        try record("detect 640x480 grey", reference: "detect640") { blackHole(try detector.faceBoxes(in: gray640)) }
        try record("detect 1280x720 grey", reference: "detect1280") { blackHole(try detector.faceBoxes(in: gray1280)) }
        try record("detect 640x480 RGB (with grey conversion)") { blackHole(try detector.faceBoxes(in: rgb640)) }
        // A millisecond call that reads a 100 MB model at random: memory traffic from other
        // processes moves it, so it gets more samples in more alternating blocks.
        try record("landmarks 68 per face", reference: "landmarks", iterations: 5 * context.iterations) {
            blackHole(try detector.landmarks(in: rgb640, box: box))
        }
        try record("descriptor per face", reference: "descriptor") {
            blackHole(try encoder.descriptor(of: rgb640, faceBox: box))
        }
        let landmarks = try detector.landmarks(in: rgb640, box: box)
        try record("measures per face (eyes, mouth, pose fit)") {
            blackHole(FaceMeasures(landmarks: landmarks, imageSize: rgb640.size))
        }
        try record("detect + landmarks 640x480, untracked") { blackHole(try detector.detect(in: rgb640)) }
        // The second opinion on one face the HOG search is unsure of (a crop twice its width,
        // the face at 80 px), and the people search of a 1280×720 frame with nobody to ask.
        let cnn = try CNNFaceDetector(models: models)
        let iterationsCNN = max(4, context.iterations / 4)
        try record("CNN second opinion on one face", iterations: iterationsCNN) { blackHole(try cnn.confirms(box, in: rgb640)) }
        let rgb1280 = Self.frame(photo, PixelSize(width: 1280, height: 720))
        try record("people search 1280x720, none to confirm") {
            blackHole(try detector.people(in: rgb1280, rule: PeopleRule()))
        }
        results.append(try Self.trackedPath(photo, detector, context, suite: name))
        references.forEach { $0.1.finish() }
        return results
    }

    /// Times `body` and the same operation in each C++ reference, in eight alternating
    /// blocks so that all see the same load on a shared machine.
    static func paired(_ name: String, suite: String, iterations: Int, warmup: Int,
                       references: [(label: String, program: ReferenceProgram, operation: String)],
                       _ body: () throws -> Void) throws -> BenchmarkResult {
        let blocks = 8, perBlock = max(1, (iterations + blocks - 1) / blocks)
        var wall: [Double] = [], cpu: [Double] = []
        var referenceCPU = Array(repeating: [Double](), count: references.count)
        for _ in 0..<warmup { try body() }
        for reference in references { _ = reference.program.run(reference.operation, count: warmup) }
        for _ in 0..<blocks {
            for _ in 0..<perBlock {
                let cpuStart = threadCPUMilliseconds(), start = ContinuousClock.now
                try body()
                let elapsed = ContinuousClock.now - start
                cpu.append(threadCPUMilliseconds() - cpuStart)
                wall.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
            }
            for (i, reference) in references.enumerated() {
                referenceCPU[i] += reference.program.run(reference.operation, count: perBlock) ?? []
            }
        }
        var result = BenchmarkResult(suite: suite, name: name, timings: wall)
        guard !references.isEmpty else { return result }
        let cpuMedian = BenchmarkResult(suite: suite, name: name, timings: cpu).medianMilliseconds
        result.figures["cpu_ms"] = cpuMedian
        for (reference, times) in zip(references, referenceCPU) where !times.isEmpty {
            let median = BenchmarkResult(suite: suite, name: name, timings: times).medianMilliseconds
            result.figures["\(reference.label)_cpu_ms"] = median
            result.figures["ratio_\(reference.label)"] = cpuMedian / median
        }
        return result
    }

    /// CPU time of the calling thread, which counts only work done, not waiting for a core.
    static func threadCPUMilliseconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) * 1e-6
    }

    /// `size`-shaped crop of `photo` around its upper middle (where the face is), scaled.
    static func frame(_ photo: RGBImage, _ size: PixelSize) -> RGBImage {
        let width = min(photo.width, photo.height * size.width / size.height)
        let height = width * size.height / size.width
        return photo.cropped(to: PixelRect(x: (photo.width - width) / 2, y: 0, width: width, height: height))
            .resized(to: size, filter: .area)
    }

    /// Per-frame time of tracking + landmarks + measures over a replayed pan-and-zoom, and
    /// how often tracking and a full detection disagree on it.
    static func trackedPath(_ photo: RGBImage, _ detector: FaceDetector, _ context: BenchmarkContext,
                            suite: String) throws -> BenchmarkResult {
        let sequence = PanZoomSequence(photo: photo, frameCount: 90)
        let frames = (0..<sequence.frameCount).map(sequence.frame)
        let tracker = FaceTracker(detector: detector)
        var timings: [Double] = []
        var fullSearches = 0
        let passes = 1 + (context.iterations + frames.count - 1) / frames.count
        for pass in 0..<passes {
            tracker.reset()
            for frame in frames {
                let start = ContinuousClock.now
                let face = try tracker.track(frame)
                blackHole(face.map { FaceMeasures(landmarks: $0.landmarks, imageSize: frame.size) })
                let elapsed = ContinuousClock.now - start
                if pass > 0 {
                    timings.append(Double(elapsed.components.attoseconds) * 1e-15 + Double(elapsed.components.seconds) * 1e3)
                    if face?.source == .fullSearch { fullSearches += 1 }
                }
            }
        }
        let agreement = try TrackingAgreement.measure(sequence, tracker: tracker, detector: detector)
        return BenchmarkResult(suite: suite, name: "tracked frame 640x480 (search + landmarks + measures)",
                               timings: timings, figures: [
                                   "full_searches_%": 100 * Double(fullSearches) / Double(max(1, timings.count)),
                                   "agreement_%": 100 * agreement.agreementRate,
                                   "disagreeing_frames": Double(agreement.disagreements.count),
                                   "landmark_diff_eye_dist_%": 100 * agreement.meanLandmarkDifference,
                               ])
    }

    static func writeInputs(to dir: URL, gray640: GrayImage, gray1280: GrayImage, rgb640: RGBImage,
                            box: PixelRect) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func pnm(_ magic: String, _ width: Int, _ height: Int, _ bytes: [UInt8]) -> Data {
            Data("\(magic)\n\(width) \(height)\n255\n".utf8) + Data(bytes)
        }
        try pnm("P5", 640, 480, gray640.elements).write(to: dir.appendingPathComponent("frame-640x480.pgm"))
        try pnm("P5", 1280, 720, gray1280.elements).write(to: dir.appendingPathComponent("frame-1280x720.pgm"))
        try pnm("P6", 640, 480, rgb640.elements).write(to: dir.appendingPathComponent("frame-640x480.ppm"))
        try Data("\(box.x) \(box.y) \(box.width) \(box.height)\n".utf8)
            .write(to: dir.appendingPathComponent("face-box.txt"))
    }
}

/// The plain C++ program of Benchmarks/dlib-reference, running beside the benchmark and
/// timing the operations it is asked for (see face_reference.cpp for the protocol).
final class ReferenceProgram {
    private let process = Process()
    private let requests = Pipe()
    private let answers = Pipe()
    private var buffer = Data()

    /// Starts the reference built with `compiler` (building it first if needed); nil, with
    /// a message, when it cannot run, so the suite still reports the Swift timings.
    init?(compiler: String, inputs: URL, models: FaceModels) {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/dlib-reference/face-reference.sh")
        process.executableURL = script
        process.arguments = [inputs.path, models.landmarks68.path, models.landmarks5.path, models.descriptor.path]
        process.standardInput = requests
        process.standardOutput = answers
        process.environment = ProcessInfo.processInfo.environment.merging(["CXX": compiler]) { $1 }
        do { try process.run() } catch {
            Self.warn("cannot start \(script.path): \(error.localizedDescription)")
            return nil
        }
    }

    /// `count` thread CPU times in milliseconds of `operation`, or nil when the program failed.
    func run(_ operation: String, count: Int) -> [Double]? {
        guard count > 0 else { return [] }
        guard process.isRunning else { return nil }
        requests.fileHandleForWriting.write(Data("\(operation) \(count)\n".utf8))
        guard let line = readLine() else {
            Self.warn("the C++ reference stopped (exit \(process.terminationStatus)); Swift timings only")
            return nil
        }
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 3, fields[0] == operation else { return nil }
        return fields[2].split(separator: ",").compactMap { Double($0) }
    }

    func finish() {
        try? requests.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let more = answers.fileHandleForReading.availableData
            if more.isEmpty { return nil }
            buffer.append(more)
        }
    }

    private static func warn(_ message: String) {
        FileHandle.standardError.write(Data("bench faces: \(message)\n".utf8))
    }
}
