import Foundation
import CDlib
import CVision
import ImageKit

/// Lends 8-bit pixels to the dlib layer, which reads them in place (views keep their stride).
protocol DlibReadable: PixelFormat where Element == UInt8 {
    static var nativeLayout: cvk_type { get }
}

extension RGB: DlibReadable { static var nativeLayout: cvk_type { CVK_U8C3 } }
extension Gray: DlibReadable { static var nativeLayout: cvk_type { CVK_U8C1 } }

extension PixelBuffer where Format: DlibReadable {
    func withDlibImage<R>(_ body: (cvk_image) throws -> R) rethrows -> R {
        try withUnsafeRows { base, stride in
            try body(cvk_image(data: UnsafeMutableRawPointer(mutating: base), width: Int32(width),
                               height: Int32(height), stride: Int64(stride), type: Int32(Format.nativeLayout.rawValue)))
        }
    }
}

/// The message of the last failed CVision call on this thread, on one line: dlib's span several
/// lines ("…from the file 'x'.\nERROR: Error deserializing…"), which broke the one-line reports
/// of `kiosk doctor` and the logs.
func lastNativeError() -> String {
    String(cString: cvk_last_error()).split(whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
}

extension cvk_face_box {
    init(_ rect: PixelRect) {
        self.init(x: Int32(rect.x), y: Int32(rect.y), width: Int32(rect.width), height: Int32(rect.height), score: 0)
    }

    var rect: PixelRect { PixelRect(x: Int(x), y: Int(y), width: Int(width), height: Int(height)) }
}
