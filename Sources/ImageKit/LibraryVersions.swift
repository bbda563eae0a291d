import CJPEG
import CPNG
import CVision

/// Versions of the native libraries this build runs on, for `kiosk doctor` and bug reports.
public enum ImageLibraries {
    public static var openCV: String { String(cString: cvk_opencv_version()) }
    public static var libpng: String { String(cString: png_get_libpng_ver(nil)) }
    public static var libjpeg: String { String(cString: cjpeg_library_version()) }
}
