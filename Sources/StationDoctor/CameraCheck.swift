import Capture
import Foundation
import LiveStation

/// The camera the settings name: there, opens, offers a usable mode, streams, and lets the
/// station lock exposure and white balance.
public enum CameraCheck {
    /// The rule `kiosk install udev` writes, which gives the camera its stable name.
    public static let udevRule = "/etc/udev/rules.d/70-kiosk-camera.rules"

    /// Opens the camera, waits up to `frameWait` for one frame and tries the locks; the
    /// camera is closed again before this returns. A camera another program holds (the
    /// running station) is a warning, not a failure.
    public static func run(_ camera: StationConfiguration.Camera, frameWait: Duration = .seconds(5),
                           devices: DeviceDirectory = .system) -> [Finding] {
        let spec: SourceSpec
        do {
            spec = try camera.sourceSpec()
        } catch {
            return [Finding(id: "camera", level: .failure, what: "camera: camera.source \"\(camera.source)\" is not a camera",
                            fix: "\(error)")]
        }
        guard case let .camera(address) = spec else {
            return [Finding(id: "camera", level: .warning, what: "camera: none; camera.source is \(spec), recorded or test frames",
                            fix: "for students, set camera.source in the settings file to auto (or the camera's /dev/videoN)")]
        }
        let automatic = camera.source == "auto"
        if case let .path(path) = address, !FileManager.default.fileExists(atPath: path) {
            return [failure(.deviceMissing(path: path), address: address, automatic: automatic)]
        }
        let device = V4L2Camera(address: address, request: camera.mode, settings: camera.settings, directory: devices)
        defer { device.stop() }
        do {
            try device.start()
            _ = try device.nextFrame(timeout: frameWait)
        } catch let error as CaptureError {
            return [failure(error, address: address, automatic: automatic)]
        } catch {
            return [Finding(id: "camera", level: .failure, what: "camera \(address): \(error)",
                            fix: "unplug the camera, plug it in again and run kiosk doctor again")]
        }
        let identity = device.deviceIdentity
        let mode = device.mode.map { ", \($0)" } ?? ""
        var streaming = Finding.ok("camera", "camera \(identity.node) (\(identity.card))\(mode): streaming")
        if automatic, !FileManager.default.fileExists(atPath: devices.dev + "/kiosk-camera") {
            streaming.level = .warning
            streaming.what += "; no stable name /dev/kiosk-camera"
            streaming.fix = "install the camera rule so the station finds the camera after a replug: \(installRule)"
        }
        return [streaming, locks(device)]
    }

    /// The commands that install the camera rule, for an operator to type.
    static let installRule = "`sudo kiosk install udev -o \(udevRule)`, then `sudo udevadm control --reload` "
        + "and `sudo udevadm trigger`, and unplug and plug in the camera"

    /// Whether exposure and white balance can be held still (the clean plate needs it).
    private static func locks(_ device: V4L2Camera) -> Finding {
        do {
            let reports = try device.lockExposureAndWhiteBalance()
            _ = try? device.unlockExposureAndWhiteBalance()
            let refused = reports.filter { if case .set = $0.outcome { false } else { true } }
            guard refused.isEmpty else {
                return Finding(id: "camera-controls", level: .warning,
                               what: "camera controls: \(refused.map(\.description).joined(separator: "; "))",
                               fix: "the backdrop may look different behind each student; a camera with manual "
                                   + "exposure and white balance (most UVC webcams) avoids that")
            }
            return .ok("camera-controls", "camera controls: exposure and white balance can be locked")
        } catch {
            return Finding(id: "camera-controls", level: .warning, what: "camera controls: \(error)",
                           fix: "unplug the camera, plug it in again and run kiosk doctor again")
        }
    }

    /// A camera that cannot be used, with the fix in an operator's words.
    private static func failure(_ error: CaptureError, address: CameraAddress, automatic: Bool) -> Finding {
        let placement = automatic
            ? "If it is plugged in, install the camera rule: \(installRule)"
            : "If it is plugged in, `kiosk devices` lists the cameras: put its path in camera.source in the settings file (or auto)"
        switch error {
        case let .deviceMissing(path):
            return Finding(id: "camera", level: .failure, what: "camera \(path): not there",
                           fix: "plug the camera into a USB port and check its cable. \(placement)")
        case let .usbDeviceNotFound(vendor, product):
            return Finding(id: "camera", level: .failure,
                           what: "camera \(String(format: "usb:%04x:%04x", vendor, product)): no such camera plugged in",
                           fix: "plug the camera into a USB port and check its cable; `lsusb` lists what is plugged in")
        case let .permissionDenied(path):
            return Finding(id: "camera", level: .failure, what: "camera \(path): this user may not open it",
                           fix: "install the camera rule (\(installRule)), or add the station's user to group video "
                               + "(`sudo usermod -aG video USER`) and log in again")
        case let .busy(path):
            return Finding(id: "camera", level: .warning, what: "camera \(path): in use by another program (the station, if it runs)",
                           fix: "to test the camera, stop the station first (`sudo systemctl stop photo-kiosk`), "
                               + "or find the program with `fuser -v \(path)`")
        case let .noUsableFormat(path, wanted, offered):
            return Finding(id: "camera", level: .failure, what: "camera \(path): no picture mode fits \(wanted)",
                           fix: "it offers \(offered.isEmpty ? "nothing" : offered.joined(separator: ", ")); remove camera.mode "
                               + "from the settings file or set it to one of those, or use another camera")
        case .timeout, .disconnected:
            return Finding(id: "camera", level: .failure, what: "camera \(address): opens but sends no picture",
                           fix: "unplug the camera and plug it into another USB port (not a hub), then run kiosk doctor again")
        default:
            return Finding(id: "camera", level: .failure, what: "camera \(address): cannot be used", fix: error.description)
        }
    }
}
