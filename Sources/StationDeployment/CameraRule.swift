/// The udev rule that gives the station's webcam a stable name, lets the station's group open
/// it and keeps USB autosuspend from putting it to sleep between students (a suspended UVC
/// camera takes a second or more to stream again, and some never do).
///
/// `udev/70-kiosk-camera.rules` is this value's `text` for `.anyCamera` and group `video`; a
/// test pins that they are the same, so the rule lives here once.
public struct CameraRule: Sendable, Hashable {
    /// Which camera the rule is for.
    public enum Match: Sendable, Hashable {
        /// Every USB camera with a capture node (a station with one camera).
        case anyCamera
        /// One model, by the USB ids `lsusb` shows (`046d:0825`).
        case model(vendor: String, product: String)
        /// One camera, by its USB serial number (two cameras of the same model).
        case serial(String)
    }

    public var match: Match
    /// The group that may open the camera: the station service's (`SupplementaryGroups=` in
    /// systemd/photo-kiosk.service).
    public var group: String

    public init(match: Match = .anyCamera, group: String = "video") {
        self.match = match
        self.group = group
    }

    /// Why a value cannot go into a rule, in words for the operator.
    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Checks the ids, serial and group: udev would read a quote or a glob character in them as
    /// part of the rule.
    public func validate() throws(Invalid) {
        func hexID(_ text: String, _ name: String) throws(Invalid) {
            guard text.count == 4, text.allSatisfy(\.isHexDigit) else {
                throw Invalid(description: "the \(name) id '\(text)' is not 4 hex digits: `lsusb` shows it as VENDOR:PRODUCT, e.g. 046d:0825")
            }
        }
        switch match {
        case .anyCamera: break
        case .model(let vendor, let product):
            try hexID(vendor, "vendor")
            try hexID(product, "product")
        case .serial(let serial):
            guard !serial.isEmpty, serial.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && !"\"*?[]\\".unicodeScalars.contains($0) }) else {
                throw Invalid(description: "the serial '\(serial)' has spaces, quotes or glob characters: copy it from `udevadm info -a -n /dev/video0 | grep serial`")
            }
        }
        guard !group.isEmpty, group.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-".contains($0)) }) else {
            throw Invalid(description: "the group '\(group)' is not a group name (letters, digits, - and _)")
        }
    }

    /// The rules file.
    public var text: String {
        let (videoMatch, usbMatch, what): (String, String, String)
        switch match {
        case .anyCamera:
            videoMatch = #"SUBSYSTEMS=="usb""#
            usbMatch = #"ENV{DEVTYPE}=="usb_interface", ATTR{bInterfaceClass}=="0e", ATTR{bInterfaceSubClass}=="01""#
            what = "any USB camera, for a station with one camera"
        case .model(let vendor, let product):
            let ids = #"ATTRS{idVendor}=="\#(vendor.lowercased())", ATTRS{idProduct}=="\#(product.lowercased())""#
            videoMatch = ids
            usbMatch = #"ENV{DEVTYPE}=="usb_interface", ATTR{bInterfaceClass}=="0e", ATTR{bInterfaceSubClass}=="01", \#(ids)"#
            what = "the camera model \(vendor.lowercased()):\(product.lowercased())"
        case .serial(let serial):
            videoMatch = #"ATTRS{serial}=="\#(serial)""#
            usbMatch = #"ENV{DEVTYPE}=="usb_interface", ATTR{bInterfaceClass}=="0e", ATTR{bInterfaceSubClass}=="01", ATTRS{serial}=="\#(serial)""#
            what = "the camera with serial number \(serial)"
        }
        return """
            # Photo Kiosk: the station's webcam: \(what).
            # Made by `kiosk install udev`; install with scripts/install-station.sh or, as root:
            #   install -m 644 THIS_FILE /etc/udev/rules.d/70-kiosk-camera.rules
            #   udevadm control --reload && udevadm trigger --subsystem-match=video4linux --subsystem-match=usb
            #
            # 1. The capture node (index 0; a UVC camera's second node carries only metadata) is
            #    also /dev/kiosk-camera, whatever /dev/videoN it gets after a replug, and group
            #    \(group) may open it. ID_V4L_CAPABILITIES comes from udev's 60-persistent-v4l.rules.
            SUBSYSTEM=="video4linux", KERNEL=="video[0-9]*", \(videoMatch), ATTR{index}=="0", ENV{ID_V4L_CAPABILITIES}=="*:capture:*", SYMLINK+="kiosk-camera", GROUP="\(group)", MODE="0660"

            # 2. No USB autosuspend for the camera: its video-control interface (class 0e,
            #    subclass 01) sets power/control of the USB device above it to "on".
            ACTION=="add", SUBSYSTEM=="usb", \(usbMatch), RUN+="/bin/sh -c 'echo on > /sys%p/../power/control'"

            """
    }
}
