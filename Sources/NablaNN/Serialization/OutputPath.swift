import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The checks made on a path a run is going to write, before any work starts, so that a run
/// never trains for an hour and then fails to save, and never replaces what it should not.
///
/// ```swift
/// try OutputPath.check("model.safetensors", mayReplace: false, inputs: [.init(option: "--train", path: "train.tsv")])
/// try OutputPath.lock("model.safetensors")
/// // ... hours later
/// try AtomicFile.write(bytes, to: URL(fileURLWithPath: "model.safetensors"))
/// ```
public enum OutputPath {
    /// What stands at a path (the path itself: a symbolic link is not followed).
    public enum Kind: Sendable, Equatable {
        case regularFile, folder, symbolicLink, fifo, device, socket

        /// What is at `path`, or `nil` when nothing is.
        public static func at(_ path: String) -> Kind? {
            var status = stat()
            guard lstat(path, &status) == 0 else { return nil }
            switch status.st_mode & S_IFMT {
            case S_IFREG: return .regularFile
            case S_IFDIR: return .folder
            case S_IFLNK: return .symbolicLink
            case S_IFIFO: return .fifo
            case S_IFCHR, S_IFBLK: return .device
            default: return .socket
            }
        }

        /// Whether an atomic write may replace it: a regular file, or a symbolic link (the link
        /// is replaced, its target never written).
        public var isReplaceable: Bool { self == .regularFile || self == .symbolicLink }

        /// "is a FIFO", "is a device", ... for messages.
        public var phrase: String {
            switch self {
            case .regularFile: return "is a file"
            case .folder: return "is a folder"
            case .symbolicLink: return "is a symbolic link"
            case .fifo: return "is a FIFO (a special file)"
            case .device: return "is a device (a special file)"
            case .socket: return "is a socket (a special file)"
            }
        }
    }

    /// A file the run reads: how the user named it (`--train`) and its path.
    public struct Input: Sendable {
        /// The option or argument that names it.
        public let option: String
        /// Its path.
        public let path: String

        /// An input named by `option`.
        public init(option: String, path: String) {
            self.option = option
            self.path = path
        }
    }

    /// Why a path cannot be written; ``description`` starts with the path.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        /// The kinds of problem, so a command can phrase the remedy in its own options.
        public enum Kind: Sendable, Equatable {
            case special, folder, exists, input, name, unwritable, locked
        }

        /// What kind of problem.
        public let kind: Kind
        /// The path.
        public let path: String
        /// What is wrong, in words, following the path.
        public let reason: String

        /// `PATH REASON` ("x is a folder", "x exists: ...", "x holds ...") or `PATH: REASON` ("x: cannot write in ...").
        public var description: String {
            reason.hasPrefix("is ") || reason.hasPrefix("exists") || reason.hasPrefix("holds") ? "\(path) \(reason)" : "\(path): \(reason)"
        }
    }

    /// Throws unless a file can be written at `path` for this run: nothing or a regular file (or
    /// symbolic link) is there, the latter only when `mayReplace`; it is none of `inputs` (compared
    /// by device and inode, so another spelling or a link to an input is caught); and its folder
    /// takes the very names the write will create (the temporary file beside it, at full length,
    /// is created and removed).
    public static func check(_ path: String, mayReplace: Bool, inputs: [Input] = []) throws {
        try checkNamesAFile(path)
        if let kind = Kind.at(path) {
            if kind == .folder { throw Problem(kind: .folder, path: path, reason: "is a folder; give a file name") }
            guard kind.isReplaceable else {
                throw Problem(kind: .special, path: path, reason: "\(kind.phrase), not a regular file: it is never replaced; give the name of a file")
            }
        }
        try checkNotAnInput(path, inputs)
        if Kind.at(path) != nil && !mayReplace {
            throw Problem(kind: .exists, path: path, reason: "exists: choose another name or pass --overwrite to replace it")
        }
        try probe(URL(fileURLWithPath: path), for: path) { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) } remove: { unlink($0) }
    }

    /// Throws unless `path` names a file: it is not empty, and it does not end in `/`, `/.` or
    /// `/..`, which name a folder (a trailing `/` after a file's name would otherwise be dropped
    /// on the way to the write, and the checks of the name with it: `model.safetensors/` would
    /// replace `model.safetensors` unchecked).
    public static func checkNamesAFile(_ path: String) throws {
        if path.isEmpty { throw Problem(kind: .name, path: "''", reason: "an empty name; give the name of a file") }
        let last = path.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
        if last.isEmpty || last == "." || last == ".." {
            throw Problem(kind: .name, path: path, reason: "ends in '/\(last)', which names a folder; give the name of a file, without a '/' at its end")
        }
    }

    /// Throws when `path` (or what it links to) is one of `inputs`.
    static func checkNotAnInput(_ path: String, _ inputs: [Input]) throws {
        let identities = [identity(path, following: false), identity(path, following: true)].compactMap { $0 }
        for input in inputs {
            if let inputIdentity = identity(input.path), identities.contains(inputIdentity) {
                throw Problem(kind: .input, path: path, reason: "is the file this run reads as \(input.option) \(input.path): "
                    + "writing it would replace its own input; give another name")
            }
        }
    }

    /// A file's device and inode: two paths name the same file when these are equal.
    public struct FileIdentity: Equatable, Sendable {
        /// The device holding the file.
        public let device: UInt64
        /// The file's inode on that device.
        public let inode: UInt64
    }

    /// The device and inode of `path` (of what it links to when `following`), or `nil` when
    /// nothing is there.
    public static func identity(_ path: String, following: Bool = true) -> FileIdentity? {
        var status = stat()
        guard (following ? stat(path, &status) : lstat(path, &status)) == 0 else { return nil }
        return FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// Creates (with `create`) and removes (with `remove`) a temporary entry of the longest name
    /// writing `url` uses, in `url`'s folder; throws the system's reason when that fails.
    static func probe(_ url: URL, for path: String, create: (String) -> Int32, remove: (String) -> Int32) throws {
        let folder = url.deletingLastPathComponent().path
        let temporary = AtomicFile.temporaryPath(of: url)
        let result = create(temporary)
        guard result >= 0 else {
            let code = errno
            var isFolder: ObjCBool = false
            if code == ENOENT || code == ENOTDIR,
               !(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) {
                let what = FileManager.default.fileExists(atPath: folder) ? "is a file, not a folder" : "does not exist"
                throw Problem(kind: .unwritable, path: path, reason: "the folder \(folder) \(what)")
            }
            if code == ENAMETOOLONG {
                let reported = Int(pathconf(folder, Int32(_PC_NAME_MAX))), limit = reported > 0 ? reported : 255
                let name = url.lastPathComponent.utf8.count
                let extra = URL(fileURLWithPath: temporary).lastPathComponent.utf8.count - name
                if name + extra > limit {
                    throw Problem(kind: .name, path: path, reason: "the name is \(name) bytes long; this folder takes names up to \(limit) "
                        + "bytes and the temporary file written beside it adds \(extra): use a name of at most \(max(limit - extra, 0)) bytes")
                }
                throw Problem(kind: .name, path: path, reason: "the path is too long for the system (with the temporary file's "
                    + "\(extra) more bytes it exceeds \(PATH_MAX) bytes): use a shorter path")
            }
            throw Problem(kind: .unwritable, path: path, reason: "cannot write in \(folder): \(String(cString: strerror(code)))")
        }
        if result > 0 { close(result) }
        _ = remove(temporary)
    }

    /// Holds an exclusive lock on `path` for as long as the process runs, so two runs never
    /// write the same file. The lock file `.NAME.lock` beside it is released by the system when
    /// the process ends, however it ends, and removed when it exits normally (see
    /// ``removeLockFiles()``). Locking the same path twice in one process is allowed.
    public static func lock(_ path: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let lockPath = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).lock").path
        if heldLocks.withLock({ $0[lockPath] != nil }) { return }
        _ = removalAtExit
        while true {
            let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard descriptor >= 0 else {
                throw Problem(kind: .unwritable, path: path, reason: "cannot create its lock file \(lockPath): \(String(cString: strerror(errno)))")
            }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(descriptor)
                throw Problem(kind: .locked, path: path, reason: "is being written by another run (it holds \(lockPath))")
            }
            // Its previous holder may have removed the file between our open and our lock: then
            // the lock is on a file no one else will find, so take the one now at the path.
            var held = stat(), current = stat()
            if fstat(descriptor, &held) == 0, stat(lockPath, &current) == 0, held.st_dev == current.st_dev, held.st_ino == current.st_ino {
                // The descriptor stays open until the process exits: that is the lock.
                heldLocks.withLock { $0[lockPath] = descriptor }
                return
            }
            close(descriptor)
        }
    }

    /// Removes the lock files this process holds, each while still locked (so a process that
    /// opened it just before sees that it was removed and takes a fresh one). Runs at exit.
    public static func removeLockFiles() {
        heldLocks.withLock { locks in
            for (path, descriptor) in locks {
                unlink(path)
                close(descriptor)
            }
            locks.removeAll()
        }
    }

    /// The lock files this process holds, with their open descriptors.
    private static let heldLocks = Mutex<[String: Int32]>([:])

    /// Registers ``removeLockFiles()`` to run when the process exits (once, on the first lock).
    private static let removalAtExit: Void = { atexit { OutputPath.removeLockFiles() } }()

    /// Creates `folder` and any missing parents, one level at a time.
    ///
    /// - Throws: ``Problem`` naming the level that could not be created and the system's reason
    ///   (`Permission denied`, `Read-only file system`), or the file standing in the way.
    public static func createFolder(_ folder: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw Problem(kind: .folder, path: folder, reason: "is a file, not a folder") }
            return
        }
        let parent = URL(fileURLWithPath: folder).deletingLastPathComponent().path
        if parent != folder { try createFolder(parent) }
        guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
            throw Problem(kind: .unwritable, path: folder, reason: "the folder cannot be created: \(String(cString: strerror(errno)))")
        }
    }
}
