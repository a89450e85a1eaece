import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The check every input file passes before it is opened: only a regular file is read, and
/// anything else (a folder, a FIFO, a device, a socket, a symbolic link that leads nowhere) is
/// refused by name, in the user's terms, before a read could block, run without end or fail
/// with a system library's error code.
public enum ReadableFile {
    /// What identifies a regular file's content without reading it: its device, inode, size and
    /// modification time. A file replaced, cut or extended while it is read has another identity.
    public struct Identity: Equatable, Sendable {
        /// The size in bytes.
        public let size: Int
        let device: UInt64
        let inode: UInt64
        let modifiedSeconds: Int
        let modifiedNanoseconds: Int
    }

    /// Why a path cannot be read as an input file.
    public struct Refusal: Error, CustomStringConvertible, Equatable, Sendable {
        /// The path as the user gave it.
        public let path: String
        /// What is wrong, without the path: `is a folder, not a file of item ids`.
        public let message: String

        /// `path: message`.
        public var description: String { "\(path): \(message)" }
    }

    /// The identity of the regular file at `path`, which is to be read as `what`.
    ///
    /// - Parameters:
    ///   - path: the path as the user gave it (a symbolic link is followed).
    ///   - what: the kind of file expected, for messages: `session file`, `file of item ids`.
    ///   - standardInputAllowed: whether `-` would read standard input here, so a FIFO's message
    ///     can say so.
    /// - Throws: ``Refusal`` naming what the path is instead of a readable regular file.
    public static func identity(of path: String, describing what: String, standardInputAllowed: Bool = false) throws -> Identity {
        var status = stat()
        guard stat(path, &status) == 0 else { throw Refusal(path: path, message: unreachable(path, error: errno)) }
        let kind = Int(status.st_mode) & Int(S_IFMT)
        guard kind == Int(S_IFREG) else {
            throw Refusal(path: path, message: refusal(of: kind, what: what, standardInputAllowed: standardInputAllowed))
        }
        #if os(Linux)
        let modified = status.st_mtim
        #else
        let modified = status.st_mtimespec
        #endif
        return Identity(size: Int(status.st_size), device: UInt64(status.st_dev), inode: UInt64(status.st_ino),
                        modifiedSeconds: Int(modified.tv_sec), modifiedNanoseconds: Int(modified.tv_nsec))
    }

    /// Why a path that is not a regular file is refused, by its kind (`S_IFDIR`, `S_IFIFO`...).
    private static func refusal(of kind: Int, what: String, standardInputAllowed: Bool) -> String {
        switch kind {
        case Int(S_IFDIR): return "is a folder, not a \(what)"
        case Int(S_IFIFO):
            return "is a FIFO (a pipe), not a \(what): give a regular file" + (standardInputAllowed ? ", or - to read standard input" : "")
        case Int(S_IFCHR), Int(S_IFBLK): return "is a device, not a \(what)"
        case Int(S_IFSOCK): return "is a socket, not a \(what)"
        default: return "is not a regular file, so it cannot be read as a \(what)"
        }
    }

    /// Why `path` cannot be reached, from the system's `error` number: a symbolic link to a file
    /// that does not exist is named as such rather than as a missing file.
    private static func unreachable(_ path: String, error: Int32) -> String {
        var link = stat()
        if lstat(path, &link) == 0, Int(link.st_mode) & Int(S_IFMT) == Int(S_IFLNK) {
            if error == ELOOP { return "is a symbolic link that leads back to itself (through other links)" }
            if error == ENOENT || error == ENOTDIR, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
                return "is a symbolic link to \(target), which does not exist"
            }
        }
        return "cannot be read: " + (error == ENOENT ? "no such file or folder" : String(cString: strerror(error)))
    }

    /// The reason a file operation failed, in the system's words (`No such file or directory`,
    /// `Permission denied`) rather than Foundation's error domains and codes.
    public static func reason(_ error: Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        default: return error.localizedDescription
        }
    }
}
