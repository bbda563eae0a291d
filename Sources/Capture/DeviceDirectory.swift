import Foundation

/// Where video device nodes and their sysfs descriptions live; `system` is `/dev` and `/sys`.
/// Tests point it at a folder laid out the same way.
public struct DeviceDirectory: Sendable {
    public var dev: String
    public var sys: String

    public init(dev: String, sys: String) {
        self.dev = dev
        self.sys = sys
    }

    public static let system = DeviceDirectory(dev: "/dev", sys: "/sys")

    /// `/dev/videoN` nodes in numeric order.
    public func videoNodes() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dev)) ?? []
        return names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("video"), let n = Int(name.dropFirst(5)) else { return nil }
            return (n, "\(dev)/\(name)")
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// The USB vendor and product id of the device a video node belongs to, from sysfs
    /// (the node's `device` link points at a USB interface whose parent has `idVendor`).
    public func usbID(ofNode node: String) -> (vendor: UInt16, product: UInt16)? {
        var folder = URL(fileURLWithPath: "\(sys)/class/video4linux/\(nodeName(node))/device").resolvingSymlinksInPath()
        for _ in 0..<4 {
            if let vendor = readHex(folder.appendingPathComponent("idVendor")),
               let product = readHex(folder.appendingPathComponent("idProduct")) {
                return (vendor, product)
            }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    /// The video nodes of a USB device, main node first (sysfs `index` 0 is the capture node
    /// of a UVC camera; the metadata node comes after it).
    public func nodes(forUSB vendor: UInt16, product: UInt16) -> [String] {
        videoNodes().filter { node in usbID(ofNode: node).map { $0 == (vendor, product) } ?? false }
            .sorted { nodeIndex($0) < nodeIndex($1) }
    }

    /// The symlinks that name this node: the udev rule's `/dev/kiosk-camera` and the
    /// `/dev/v4l/by-id` and `by-path` names.
    public func stableNames(of node: String) -> [String] {
        let target = URL(fileURLWithPath: node).resolvingSymlinksInPath().path
        var candidates = ["\(dev)/kiosk-camera"]
        for folder in ["\(dev)/v4l/by-id", "\(dev)/v4l/by-path"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            candidates += names.sorted().map { "\(folder)/\($0)" }
        }
        return candidates.filter { path in
            path != node && (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
                && URL(fileURLWithPath: path).resolvingSymlinksInPath().path == target
        }
    }

    /// The nodes to try for a camera address, in order.
    public func candidates(for address: CameraAddress) throws -> [String] {
        switch address {
        case let .path(path):
            return [path]
        case let .usb(vendor, product):
            let nodes = nodes(forUSB: vendor, product: product)
            guard !nodes.isEmpty else { throw CaptureError.usbDeviceNotFound(vendor: vendor, product: product) }
            return nodes
        }
    }

    private func nodeName(_ node: String) -> String {
        URL(fileURLWithPath: node).resolvingSymlinksInPath().lastPathComponent
    }

    private func nodeIndex(_ node: String) -> Int {
        let text = try? String(contentsOfFile: "\(sys)/class/video4linux/\(nodeName(node))/index", encoding: .utf8)
        return text.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
    }

    private func readHex(_ url: URL) -> UInt16? {
        (try? String(contentsOf: url, encoding: .utf8)).flatMap { UInt16($0.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) }
    }
}
