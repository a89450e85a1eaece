import Foundation

/// What the memory of a run is measured against, for any model: the process, the session data
/// as read, and what the system has available; a model's own estimate adds its training.
public enum MemoryBudget {
    /// What the process holds before any data: code, libraries, the runtime (measured: about
    /// 24 MB for `gru4rec` on Linux).
    public static let processBytes = 24 << 20

    /// Bytes for training data read compactly (`SessionData.training(streamingFrom:columns:memoryLimit:)`)
    /// at its peak while it is being ordered: about 27 bytes an event, 120 a session (its id, its
    /// place in the index, its first time and line, its place in the order) and 64 an item id.
    /// Measured against the peak resident memory of reading files of 70,000 to 2,000,000 events
    /// (Docs/reliability.md).
    public static func sessionDataBytes(events: Int, sessions: Int, items: Int) -> Int {
        27 * events + 120 * sessions + 64 * items
    }

    /// Bytes for `data` as ``sessionDataBytes(events:sessions:items:)`` counts them.
    public static func sessionDataBytes(of data: SessionData) -> Int {
        sessionDataBytes(events: data.eventCount, sessions: data.sessionCount, items: data.itemMap.count)
    }

    /// The memory the system reports as available (`MemAvailable` in /proc/meminfo), if known.
    public static var availableBytes: Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// Throws when `needed` exceeds `available`, saying what for.
    ///
    /// - Throws: ``DataError`` naming `source` with both figures.
    public static func check(_ needed: Int, available: Int?, for purpose: String, source: String) throws {
        guard let available, needed > available else { return }
        throw DataError(file: source, "\(purpose) would need about \(megabytes(needed)) of memory, "
            + "but \(megabytes(available)) are available; use fewer items, smaller layers or a larger machine")
    }

    private static func megabytes(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? String(format: "%.1f GB", Double(bytes) / Double(1 << 30)) : "\(bytes >> 20) MB"
    }
}
