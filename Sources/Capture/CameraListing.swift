import Foundation

/// What `kiosk devices` shows about one video capture node.
public struct CameraDescription: Codable, Sendable {
    public var path: String
    /// Symlinks naming the same node: `/dev/kiosk-camera`, `/dev/v4l/by-id/…`.
    public var stableNames: [String]
    public var driver: String
    public var card: String
    public var busInfo: String
    /// `vvvv:pppp` for USB cameras.
    public var usbID: String?
    public var formats: [FormatDescription]
    /// The mode live capture would use by default.
    public var defaultMode: CaptureMode?
    public var controls: [ControlInfo]?
}

/// A node that could not be described, and why.
public struct UnusableNode: Codable, Sendable {
    public var path: String
    public var problem: String
}

extension DeviceDirectory {
    /// Describes every video capture node; nodes that cannot capture or cannot be opened are
    /// returned separately with the reason.
    public func cameras(includeControls: Bool) -> (cameras: [CameraDescription], unusable: [UnusableNode]) {
        var cameras = [CameraDescription]()
        var unusable = [UnusableNode]()
        for node in videoNodes() {
            do {
                let device = try V4L2Device(path: node)
                let caps = try device.capabilities()
                guard caps.canCapture else {
                    throw CaptureError.notCaptureDevice(path: node, card: caps.card, driver: caps.driver)
                }
                let formats = try device.formats()
                cameras.append(CameraDescription(
                    path: node, stableNames: stableNames(of: node), driver: caps.driver, card: caps.card,
                    busInfo: caps.busInfo,
                    usbID: usbID(ofNode: node).map { String(format: "%04x:%04x", $0.vendor, $0.product) },
                    formats: formats, defaultMode: try? ModeRequest().choose(from: formats, device: node),
                    controls: includeControls ? try device.controls() : nil))
            } catch {
                unusable.append(UnusableNode(path: node, problem: "\(error)"))
            }
        }
        return (cameras, unusable)
    }
}
