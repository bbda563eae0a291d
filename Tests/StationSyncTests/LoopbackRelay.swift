#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A TCP listener on 127.0.0.1 that the fault tests control, written by hand so that it can
/// misbehave as a real network or server does: forward to the real server (and, on request,
/// flip a byte in the body of the next PUTs, as a broken proxy would), be cut and restored
/// (the port closed, every connection reset, then the port opened again), answer every
/// request with a 500, or take requests and never answer.
final class LoopbackRelay: @unchecked Sendable {
    enum Mode: Sendable, Hashable {
        case forward(toPort: UInt16)
        case answer500
        case hang
    }

    let mode: Mode
    private(set) var port: UInt16 = 0
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var open: Set<Int32> = []
    private var corruptions = 0
    private var requestCount = 0

    init(_ mode: Mode, port: UInt16 = 0) throws {
        self.mode = mode
        try listen(on: port)
    }

    deinit { cut() }

    /// Requests (500, hang) or connections (forward) seen so far.
    var requests: Int { lock.withLock { requestCount } }

    /// Flips one byte in the body of each of the next `count` PUT requests forwarded.
    func corruptNextBodies(_ count: Int) { lock.withLock { corruptions = count } }

    /// The network cut: the port is closed and every connection through it reset.
    func cut() {
        let sockets = lock.withLock { () -> [Int32] in
            let all = Array(open) + (listener >= 0 ? [listener] : [])
            open.removeAll()
            listener = -1
            return all
        }
        for socket in sockets {
            shutdown(socket, Int32(SHUT_RDWR))
            close(socket)
        }
    }

    /// The network back: the same port listens again.
    func restore() throws { try listen(on: port) }

    private func listen(on wanted: UInt16) throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(wanted)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(socket, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(socket)
            throw ProgramFailure(description: "cannot listen on 127.0.0.1:\(wanted): \(reason)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        lock.withLock { listener = socket }
        Thread.detachNewThread { [self] in acceptLoop(socket) }
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop(_ socket: Int32) {
        while true {
            let connection = accept(socket, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            lock.withLock { _ = open.insert(connection) }
            switch mode {
            case let .forward(port):
                lock.withLock { requestCount += 1 }
                Thread.detachNewThread { [self] in forward(connection, to: port) }
            case .answer500:
                Thread.detachNewThread { [self] in answerEach(connection, respond: true) }
            case .hang:
                Thread.detachNewThread { [self] in answerEach(connection, respond: false) }
            }
        }
    }

    private func forward(_ client: Int32, to port: UInt16) {
        let server = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            drop(client)
            close(server)
            return
        }
        lock.withLock { _ = open.insert(server) }
        Thread.detachNewThread { [self] in pump(from: server, to: client, corrupting: false) }
        pump(from: client, to: server, corrupting: true)
    }

    /// Copies bytes one way until either side closes; `corrupting`: the request direction,
    /// where the first body byte of a PUT is flipped while corruptions are asked for.
    private func pump(from source: Int32, to target: Int32, corrupting: Bool) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var head: [UInt8] = []
        var flipNext = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            var chunk = Array(buffer[..<count])
            if corrupting {
                if flipNext {
                    chunk[0] ^= 0xFF
                    flipNext = false
                } else {
                    head += chunk
                    if let end = Self.headerEnd(head) {
                        let isPut = head.starts(with: Array("PUT ".utf8))
                        let take = isPut && lock.withLock { () -> Bool in
                            guard corruptions > 0 else { return false }
                            corruptions -= 1
                            return true
                        }
                        let bodyOffset = end - (head.count - chunk.count)
                        if take {
                            if bodyOffset < chunk.count { chunk[bodyOffset] ^= 0xFF } else { flipNext = true }
                        }
                        head = []
                    }
                }
            }
            if !writeAll(chunk, to: target) { break }
        }
        drop(source)
        drop(target)
    }

    /// Reads requests on a connection; answers each with a 500 or never answers.
    private func answerEach(_ connection: Int32, respond: Bool) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            pending += buffer[..<count]
            while let end = Self.headerEnd(pending) {
                let header = String(decoding: pending[..<end], as: UTF8.self).lowercased()
                let length = header.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                guard pending.count >= end + length else { break }
                pending.removeFirst(end + length)
                lock.withLock { requestCount += 1 }
                if respond {
                    let body = #"{"code":"internal","message":"the test's server fails on purpose"}"#
                    let answer = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                    if !writeAll(Array(answer.utf8), to: connection) { break }
                }
            }
        }
        drop(connection)
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index + 4
        }
        return nil
    }

    private func writeAll(_ bytes: [UInt8], to socket: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    private func drop(_ socket: Int32) {
        let known = lock.withLock { open.remove(socket) != nil }
        if known {
            shutdown(socket, Int32(SHUT_RDWR))
            close(socket)
        }
    }
}
