import Dispatch

/// A value computed on a thread of its own from the moment it is made; `value` waits for it.
/// The capture path runs work beside the person network with it (the frame's own checks, the
/// network's map made during the countdown).
public final class Beside<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the worker before `done` is signalled, read only after the wait.
    private var result: Value?

    public init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = work()
            self.done.signal()
        }
    }

    /// The value, once computed.
    public var value: Value {
        done.wait()
        // Signalled again so that a later read does not wait for ever.
        defer { done.signal() }
        return result!
    }

    /// The value if it is computed already, nil while the work still runs: a loop that must
    /// not stop (the live picture) asks again at its next turn.
    public var ready: Value? {
        guard done.wait(timeout: .now()) == .success else { return nil }
        defer { done.signal() }
        return result
    }
}
