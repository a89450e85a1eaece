import Foundation

/// A tmpfs mounted over a folder of a test's own, for disk faults a test makes on purpose: a disk
/// that fills up (`size=64k`) or refuses every write (`ro`).
public struct TemporaryMount {
    /// The folder the tmpfs is mounted on.
    public let folder: URL

    /// Mounts a tmpfs with `options` on `folder`, or returns `nil` when this process may not
    /// mount (it needs root); the test then says it is skipped.
    public static func tmpfs(at folder: URL, options: String) -> TemporaryMount? {
        guard run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", folder.path]) == 0 else { return nil }
        return TemporaryMount(folder: folder)
    }

    /// Unmounts it.
    public func unmount() {
        _ = Self.run("/bin/umount", [folder.path])
    }

    /// Runs a system command quietly; its exit status, or `nil` when it cannot start.
    private static func run(_ path: String, _ arguments: [String]) -> Int32? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
