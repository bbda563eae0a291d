import Foundation

/// Runs `body` on the concurrency pool and waits for it: the commands are synchronous.
func waitFor<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = AsyncResult<T>()
    Task {
        box.value = await body()
        box.done.signal()
    }
    box.done.wait()
    return box.value!
}

/// The value an async body hands back to the waiting thread (written once, before the signal).
final class AsyncResult<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)
}
