import CPNG
import Foundation
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Why an image file could not be read. Each description names the file, says what is
/// wrong in words and what to do; none shows a system error code.
public enum ImageFileError: Error, CustomStringConvertible, Sendable {
    /// There is nothing at the path (or a link points at nothing).
    case missing(path: String, detail: String)
    /// The path names a folder, a named pipe, a device or a socket, not a file.
    case notAFile(path: String, kind: String)
    /// The file or a folder on its path may not be read by this user.
    case permissionDenied(path: String, detail: String)
    /// The file exists but reading it failed (a disk error and the like).
    case unreadable(path: String, reason: String)
    /// The file has no bytes.
    case empty(path: String)
    /// The file is larger than any photo the limits allow: it is not a photo.
    case fileTooLarge(path: String, bytes: Int, limit: Int)
    /// The content is an image in another format (`format` names it when recognised) or
    /// nothing recognisable.
    case unsupportedFormat(path: String, format: String?, firstBytes: String)
    /// The content is not a picture at all: text, a document, an archive (`kind` names it).
    case notAnImage(path: String, kind: String)
    /// The image has more pixels than `limit` (read from its header, before decoding).
    case tooLarge(path: String, width: Int, height: Int, limit: Int)
    /// The JPEG decoder refused the data.
    case jpeg(path: String, JPEGError)
    /// The PNG data stops before the image does.
    case pngTruncated(path: String, detail: String)
    /// libpng refused the data as damaged or of a kind it cannot convert.
    case png(path: String, reason: String)

    public var description: String {
        switch self {
        case let .missing(path, detail):
            "cannot read \(path): \(detail); check the name and the folder"
        case let .notAFile(path, kind):
            "cannot read \(path): it is \(kind), not a photo file; give the path of a JPEG or PNG file"
        case let .permissionDenied(path, detail):
            "cannot read \(path): permission denied (\(detail)); make it readable for this user "
                + "(for example `chmod a+r`) or copy it to a folder you own"
        case let .unreadable(path, reason):
            "cannot read \(path): \(reason); copy the photo again from where it came from"
        case let .empty(path):
            "cannot read \(path): the file is empty (0 bytes), so the copy or the capture did not finish; "
                + "copy or take the photo again"
        case let .fileTooLarge(path, bytes, limit):
            "cannot read \(path): the file is \(bytes / 1_048_576) MiB, more than the \(limit / 1_048_576) MiB "
                + "any accepted photo needs; give a JPEG or PNG photo"
        case let .unsupportedFormat(path, format?, _):
            "cannot read \(path): it is \(format), not a JPEG or PNG photo; "
                + "give a .jpg or .png photo (for example `convert \(path) photo.jpg` makes one from an image)"
        case let .notAnImage(path, kind):
            "cannot read \(path): it is \(kind), not a photo; give a .jpg or .png photo"
        case let .unsupportedFormat(path, nil, firstBytes):
            "cannot read \(path): it is neither JPEG nor PNG (it starts with \(firstBytes)); give a .jpg or .png photo"
        case let .tooLarge(path, width, height, limit):
            "cannot read \(path): " + JPEGError.tooLargeMessage(width: width, height: height, limit: limit)
        case let .jpeg(path, error):
            "cannot read \(path): \(error)"
        case let .pngTruncated(path, detail):
            "cannot read \(path): the PNG data ends too early (\(detail)): the file is incomplete; copy or export it again"
        case let .png(path, reason):
            "cannot read \(path): the PNG data is damaged or of an unsupported kind (\(reason)); export the image again"
        }
    }
}

/// Reading photos from disk: JPEG and PNG, recognised by their content, not their name,
/// and shown the way the file says (its EXIF orientation applied).
///
/// Any JPEG a camera, phone or editor writes is read: baseline or progressive, colour,
/// grey, CMYK or YCCK. Any PNG is read: grey, grey with alpha, palette, 8 or 16 bits;
/// transparency is put on white, as a viewer shows it. Everything comes out as 8-bit RGB.
public enum ImageFile {
    /// Images with more pixels than this are refused from their header.
    public static let defaultPixelLimit = JPEG.defaultPixelLimit

    /// Files larger than this are refused before they are read: even an uncompressed
    /// 16-bit PNG at the pixel limit is smaller, so such a file is not a photo.
    public static let maximumFileSize = 512 * 1_048_576

    /// Decodes a JPEG or PNG file to RGB, turned upright as its EXIF orientation says.
    ///
    /// Folders, named pipes and devices are refused from their file type, before they are
    /// opened, so a pipe nobody writes to cannot hang the caller.
    public static func read(_ url: URL, pixelLimit: Int = defaultPixelLimit) throws(ImageFileError) -> RGBImage {
        try decode(contents(of: url), name: url.path, pixelLimit: pixelLimit)
    }

    /// The bytes of the file at `url`, after the checks `read` makes: it must be a regular,
    /// readable, non-empty file of at most `maximumBytes`.
    public static func contents(of url: URL, maximumBytes: Int = maximumFileSize) throws(ImageFileError) -> Data {
        let path = url.path
        var status = stat()
        guard stat(path, &status) == 0 else { throw fileError(path, errno) }
        try requireRegularFile(status, path)
        // O_NONBLOCK: if the path became a FIFO after the stat, opening it does not wait for
        // a writer; the fstat below then refuses it.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw fileError(path, errno) }
        defer { close(fd) }
        guard fstat(fd, &status) == 0 else { throw fileError(path, errno) }
        try requireRegularFile(status, path)
        let size = Int(status.st_size)
        guard size > 0 else { throw .empty(path: path) }
        guard size <= maximumBytes else { throw .fileTooLarge(path: path, bytes: size, limit: maximumBytes) }
        var data = Data(count: size)
        var filled = 0
        let failure: Int32? = data.withUnsafeMutableBytes { buffer in
            while filled < size {
                let count = systemRead(fd, buffer.baseAddress! + filled, size - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if count == 0 { break } // the file shrank while being read: decode what is there
                filled += count
            }
            return nil
        }
        if let failure { throw fileError(path, failure) }
        guard filled > 0 else { throw .empty(path: path) }
        if filled < size { data.count = filled }
        return data
    }

    /// Decodes JPEG or PNG bytes to RGB, turned upright as their EXIF orientation says;
    /// `name` appears in errors.
    public static func decode(_ data: Data, name: String = "image", pixelLimit: Int = defaultPixelLimit)
        throws(ImageFileError) -> RGBImage {
        guard !data.isEmpty else { throw .empty(path: name) }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            return try decodePNG(data, name: name, pixelLimit: pixelLimit)
        }
        guard data.starts(with: [0xFF, 0xD8]) else {
            let head = data.prefix(4).map { String(format: "%02X", $0) }.joined(separator: " ")
            switch FileKind(data) {
            case let .image(format): throw .unsupportedFormat(path: name, format: format, firstBytes: head)
            case let .other(kind): throw .notAnImage(path: name, kind: kind)
            case nil: throw .unsupportedFormat(path: name, format: nil, firstBytes: head)
            }
        }
        let image: RGBImage
        do {
            image = try JPEG.decode(data, pixelLimit: pixelLimit)
        } catch let .tooLarge(width, height, limit) {
            throw .tooLarge(path: name, width: width, height: height, limit: limit)
        } catch {
            throw .jpeg(path: name, error)
        }
        return image.oriented(JPEG.orientation(data))
    }

    private static func decodePNG(_ data: Data, name: String, pixelLimit: Int) throws(ImageFileError) -> RGBImage {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&png) }
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&png, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw pngError(png, name) }
        let width = Int(png.width), height = Int(png.height)
        guard width * height <= pixelLimit else {
            throw .tooLarge(path: name, width: width, height: height, limit: pixelLimit)
        }
        // libpng takes 16-bit files without a gAMA or sRGB chunk as linear light and would
        // darken them on the way to 8 bits; editors write them sRGB-encoded, like 8-bit ones.
        png.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
        png.format = UInt32(PNG_FORMAT_RGB)
        var image = RGBImage(width: width, height: height)
        // Transparent pixels are composited onto white, as a viewer would show them.
        var white = png_color(red: 255, green: 255, blue: 255)
        let finished = image.withUnsafeMutableRows { rows, stride in
            png_image_finish_read(&png, &white, rows, Int32(stride), nil)
        }
        guard finished != 0 else { throw pngError(png, name) }
        let orientation = data.withUnsafeBytes { ExifReader.pngOrientation($0) } ?? .up
        return image.oriented(orientation)
    }

    private static func pngError(_ png: png_image, _ name: String) -> ImageFileError {
        let message = withUnsafeBytes(of: png.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        // libpng's memory reader says "read beyond end of data" when the bytes run out.
        if message.contains("end of data") || message.contains("Not enough image data") {
            return .pngTruncated(path: name, detail: message)
        }
        return .png(path: name, reason: message)
    }

    private static func requireRegularFile(_ status: stat, _ path: String) throws(ImageFileError) {
        let kind: String? = switch status.st_mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a folder"
        case S_IFIFO: "a named pipe (FIFO)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device (a disk)"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
        if let kind { throw .notAFile(path: path, kind: kind) }
    }

    /// The error for a failed stat, open or read, in words.
    static func fileError(_ path: String, _ code: Int32) -> ImageFileError {
        switch code {
        case ENOENT:
            var link = stat()
            if lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                return .missing(path: path, detail: "it is a link to \(target), which does not exist")
            }
            let folder = (path as NSString).deletingLastPathComponent
            var isFolder: ObjCBool = false
            if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
                return .missing(path: path, detail: "no such file (the folder \(folder) does not exist either)")
            }
            return .missing(path: path, detail: "no such file")
        case ENOTDIR:
            return .missing(path: path, detail: "a part of the path before the file name is a file, not a folder")
        case EACCES, EPERM:
            return .permissionDenied(path: path, detail: accessDetail(path))
        case EIO:
            return .unreadable(path: path, reason: "the disk reported a read error")
        default:
            return .unreadable(path: path, reason: String(cString: strerror(code)).lowercased())
        }
    }

    /// Who owns the file and its mode, or that a folder on the way cannot be entered.
    private static func accessDetail(_ path: String) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else {
            return "a folder on the path cannot be entered by this user"
        }
        let owner = getpwuid(status.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "user \(status.st_uid)"
        let mode = String(status.st_mode & 0o777, radix: 8)
        let me = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "user \(geteuid())"
        return "the file belongs to \(owner) with mode \(mode), and this program runs as \(me)"
    }
}

/// read(2); inside `ImageFile` the name `read` is its own method.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// What a file that is neither JPEG nor PNG is, from its first bytes, for the error that
/// refuses it: an image in another format can be converted, anything else cannot.
enum FileKind {
    case image(String)
    case other(String)

    init?(_ data: Data) {
        guard let (name, isImage) = Self.recognise(data) else { return nil }
        self = isImage ? .image(name) : .other(name)
    }

    private static func recognise(_ data: Data) -> (String, isImage: Bool)? {
        let head = [UInt8](data.prefix(64))
        func starts(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + bytes.count && Array(head[offset..<offset + bytes.count]) == bytes
        }
        func ascii(_ text: String, at offset: Int = 0) -> Bool { starts(Array(text.utf8), at: offset) }
        if ascii("GIF8") { return ("a GIF image", true) }
        if ascii("BM") && head.count >= 14 { return ("a BMP image", true) }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) {
            return ("a TIFF image (or a camera raw file)", true)
        }
        if ascii("RIFF") && ascii("WEBP", at: 8) { return ("a WebP image", true) }
        if ascii("ftyp", at: 4) && (ascii("heic", at: 8) || ascii("heix", at: 8) || ascii("mif1", at: 8)) {
            return ("a HEIC/HEIF image (an iPhone photo)", true)
        }
        if ascii("ftyp", at: 4) && ascii("avif", at: 8) { return ("an AVIF image", true) }
        if starts([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50]) || starts([0xFF, 0x4F, 0xFF, 0x51]) {
            return ("a JPEG 2000 image", true)
        }
        if ascii("<svg") { return ("an SVG drawing", true) }
        if ascii("%PDF") { return ("a PDF document", false) }
        if ascii("PK\u{03}\u{04}") { return ("a ZIP archive (or an office document)", false) }
        if starts([0x1F, 0x8B]) { return ("a gzip archive", false) }
        // The 64 bytes may end inside a UTF-8 character: try dropping up to three bytes.
        let decoded = (0...3).lazy.compactMap { String(bytes: head.dropLast($0), encoding: .utf8) }.first
        if let text = decoded, !text.isEmpty,
           text.unicodeScalars.allSatisfy({ $0.value >= 0x20 || $0 == "\n" || $0 == "\r" || $0 == "\t" }) {
            let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            let shown = firstLine.count > 24 ? firstLine.prefix(24) + "…" : Substring(firstLine)
            return ("a text file (starting \"\(shown)\")", false)
        }
        return nil
    }
}
