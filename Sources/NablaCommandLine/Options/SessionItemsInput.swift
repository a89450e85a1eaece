import Foundation
import NablaSessions
import NablaSessions

/// The session's item ids, as `recommend` and `explain` take them: split at commas with
/// surrounding spaces trimmed from `--items`, or taken line by line, exactly as written, from
/// `--items-file` (`-` reads standard input), which may hold at most
/// ``ItemIDFile/sessionMaximumBytes``.
package func readSessionItems(items: String?, itemsFile: String?) throws -> [String] {
    if let items { return items.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    guard let path = itemsFile else { return [] }
    return try ItemIDFile.read(path, maximumBytes: ItemIDFile.sessionMaximumBytes)
}

/// The non-empty lines of the file at `path` (`-` reads standard input), each an item id exactly
/// as written: for `import --items`, a whole catalogue, so only its lines are bounded.
package func readItemLines(_ path: String) throws -> [String] {
    try ItemIDFile.read(path, maximumBytes: nil)
}
