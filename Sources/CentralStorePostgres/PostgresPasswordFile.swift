#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CentralStore
import Foundation

/// The PostgreSQL password as the server reads it: the first line of a file that only its
/// owner may read, as libpq insists for `~/.pgpass` (a password readable by every user of
/// the machine is no secret).
public enum PostgresPasswordFile {
    /// The password in `path`; refused when the file is missing, empty, or open to the group or others.
    public static func read(_ path: String) throws(CentralStoreError) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .invalid("the PostgreSQL password file \(path) cannot be read (\(String(cString: strerror(errno)))): "
                + "write the password on its first line, readable by the server's user only (chmod 600)")
        }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw .invalid("the PostgreSQL password file \(path) can be read by other users (mode \(String(mode, radix: 8))): "
                + "make it the server's user's alone with chmod 600 \(path)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .invalid("the PostgreSQL password file \(path) cannot be read as UTF-8 text; write the password on its first line")
        }
        let password = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        } ?? ""
        guard !password.isEmpty else {
            throw .invalid("the PostgreSQL password file \(path) has no password on its first line")
        }
        return password
    }
}
