import Foundation

extension EvaluationSet {
    /// `body` applied to every case, the cases shared out in turn among `workers` that run at
    /// once (a worker holds what may not be shared between threads: a face detector, a person
    /// network), the results in the set's order. `progress` hears each result as it is made,
    /// on the thread of the worker that made it. The first case that throws makes the whole
    /// run throw, once every worker has finished.
    ///
    /// The evaluations make a photo of every frame, each frame on its own: on the two cores of
    /// a CI machine two workers halve the time of a run.
    public func map<Worker: Sendable, Result: Sendable>(
        workers: [Worker],
        progress: @escaping @Sendable (Result) -> Void = { _ in },
        _ body: @escaping @Sendable (Worker, Case) throws -> Result
    ) throws -> [Result] {
        precondition(!workers.isEmpty, "an evaluation needs at least one worker")
        let results = Slots<Result>(count: cases.count)
        let cases = cases
        DispatchQueue.concurrentPerform(iterations: workers.count) { worker in
            for index in stride(from: worker, to: cases.count, by: workers.count) {
                let result = Swift.Result { try body(workers[worker], cases[index]) }
                results.store(result, at: index)
                if case let .success(value) = result { progress(value) }
            }
        }
        return try results.all()
    }
}

/// The results as the workers make them.
private final class Slots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ result: Result<Value, any Error>, at index: Int) { lock.withLock { slots[index] = result } }

    func all() throws -> [Value] { try lock.withLock { try slots.map { try $0!.get() } } }
}
