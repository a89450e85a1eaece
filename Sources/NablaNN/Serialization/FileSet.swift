import Foundation
import Nabla
#if canImport(Glibc)
import Glibc
#endif

/// Files that belong together (the splits of one preprocessing run), written as one folder so
/// that readers find either the complete old set or the complete new one, never a mix.
///
/// The set is written into a fresh folder beside its destination (`.NAME.tmp-PID-RANDOM`), each
/// file flushed to disk, and that folder then takes the destination's place in one step: a
/// rename when there is none yet, otherwise an atomic exchange of the two folders (`renameat2`
/// with `RENAME_EXCHANGE`), after which the old set is deleted. A failure or a kill before the
/// exchange leaves the old folder untouched (the next write removes the dead writer's
/// temporary folder); after it, the new set is complete. Because the whole folder is exchanged,
/// the destination may hold nothing but files of the set.
public struct FileSet {
    /// The file names that make up the set, in writing order.
    public let names: [String]

    /// A set of files named `names`.
    public init(names: [String]) {
        self.names = names
    }

    /// Throws unless `folder` can receive this set: it is absent, or a folder holding only files
    /// of the set (then only when `mayReplace`), none of them a special file or one of `inputs`;
    /// its parent exists (missing parents are created) and takes the temporary folder's name.
    public func check(_ folder: String, mayReplace: Bool, inputs: [OutputPath.Input] = []) throws {
        if let kind = OutputPath.Kind.at(folder), kind != .folder {
            throw OutputPath.Problem(kind: .folder, path: folder, reason: "\(kind.phrase), not a folder")
        }
        let present = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let others = present.filter { !names.contains($0) }.sorted()
        if !others.isEmpty {
            throw OutputPath.Problem(kind: .folder, path: folder, reason: "holds other files than the \(names.count) written here "
                + "(\(others.prefix(3).joined(separator: ", "))\(others.count > 3 ? ", ..." : "")): they are replaced together as one "
                + "folder, so give a new folder, an empty one or one holding only an earlier \(names.joined(separator: ", "))")
        }
        for name in present {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
            if let kind = OutputPath.Kind.at(path), !kind.isReplaceable {
                throw OutputPath.Problem(kind: kind == .folder ? .folder : .special, path: path,
                                         reason: "\(kind.phrase), not a regular file: it is never replaced")
            }
            try OutputPath.checkNotAnInput(path, inputs)
        }
        if !present.isEmpty && !mayReplace {
            throw OutputPath.Problem(kind: .exists, path: folder, reason: "holds an earlier \(present.sorted().joined(separator: ", ")): "
                + "choose another folder or pass --overwrite to replace them")
        }
        let url = URL(fileURLWithPath: folder)
        try OutputPath.createFolder(url.deletingLastPathComponent().path)
        try OutputPath.probe(url, for: folder) { mkdir($0, 0o700) } remove: { rmdir($0) }
    }

    /// Writes `contents` (one entry per name, in the order of ``names``) as the set in `folder`,
    /// replacing an earlier set there in one step.
    ///
    /// - Throws: ``SafeTensorsError/io(path:detail:)`` naming the file or folder and the system's
    ///   reason; the earlier set is then unchanged.
    public func write(_ contents: [[UInt8]], to folder: URL) throws {
        if contents.count != names.count { misuse("FileSet.write", "\(contents.count) contents for the \(names.count) files \(names)") }
        let destination = folder.path
        if let kind = OutputPath.Kind.at(destination), kind != .folder {
            throw SafeTensorsError.io(path: destination, detail: "\(kind.phrase), not a folder")
        }
        do { try OutputPath.createFolder(folder.deletingLastPathComponent().path) } catch let error as OutputPath.Problem {
            throw SafeTensorsError.io(path: error.path, detail: error.reason)
        }
        AtomicFile.removeStaleTemporaries(of: folder)
        let temporary = AtomicFile.temporaryPath(of: folder)
        guard mkdir(temporary, 0o755) == 0 else {
            throw SafeTensorsError.io(path: destination, detail: "cannot create a folder beside it: \(AtomicFile.systemError())")
        }
        do {
            for (name, bytes) in zip(names, contents) {
                try writeNew(bytes, to: URL(fileURLWithPath: temporary).appendingPathComponent(name).path,
                             reported: folder.appendingPathComponent(name).path)
            }
            AtomicFile.syncFolder(of: temporary + "/" + (names.first ?? ""))
            try commit(temporary, to: destination)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        try? FileManager.default.removeItem(atPath: temporary)  // the earlier set, after an exchange
        AtomicFile.syncFolder(of: destination)
    }

    /// Creates `path` (which must not exist) holding `bytes`, flushed to disk; errors name `reported`.
    private func writeNew(_ bytes: [UInt8], to path: String, reported: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SafeTensorsError.io(path: reported, detail: "cannot be created: \(AtomicFile.systemError()); the previous files are unchanged")
        }
        var failure = AtomicFile.writeAll(bytes, to: descriptor)
        if failure == nil && fsync(descriptor) != 0 { failure = "flush to disk failed: \(AtomicFile.systemError())" }
        if close(descriptor) != 0 && failure == nil { failure = "close failed: \(AtomicFile.systemError())" }
        if let failure { throw SafeTensorsError.io(path: reported, detail: failure + "; the previous files are unchanged") }
    }

    /// Puts the complete folder `temporary` in `destination`'s place in one step; an earlier
    /// folder there ends up at `temporary`.
    private func commit(_ temporary: String, to destination: String) throws {
        guard OutputPath.Kind.at(destination) == .folder else {
            guard rename(temporary, destination) == 0 else {
                throw SafeTensorsError.io(path: destination, detail: "rename into place failed: \(AtomicFile.systemError())")
            }
            return
        }
        let present = (try? FileManager.default.contentsOfDirectory(atPath: destination)) ?? []
        let others = present.filter { !names.contains($0) }
        guard others.isEmpty else {
            throw SafeTensorsError.io(path: destination, detail: "holds other files (\(others.sorted().joined(separator: ", "))); "
                + "the set replaces the whole folder, so nothing was written")
        }
        guard let exchange = Self.exchange else {
            throw SafeTensorsError.io(path: destination, detail: "this system cannot exchange two folders atomically; nothing was written")
        }
        guard exchange(AT_FDCWD, temporary, AT_FDCWD, destination, 2 /* RENAME_EXCHANGE */) == 0 else {
            throw SafeTensorsError.io(path: destination, detail: "exchange with the new files failed: \(AtomicFile.systemError()); "
                + "the previous files are unchanged")
        }
    }

    /// Linux's `renameat2`, looked up at run time (Glibc's Swift module does not declare it).
    private static let exchange: (@convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32)? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32).self)
    }()
}
