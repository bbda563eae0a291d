import Foundation
import ImageKit

/// Decode, colour conversion, resampling and encoding at the sizes a station handles.
struct ImageBenchmarks: BenchmarkSuite {
    var name: String { "image" }
    var summary: String { "JPEG decode and encode, YUYV→RGB, downscaling for the final photo" }

    func run(_ context: BenchmarkContext) throws -> [BenchmarkResult] {
        []
    }
}
