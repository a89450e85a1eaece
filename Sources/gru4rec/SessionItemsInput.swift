import Foundation
import GRU4Rec

/// The session's item ids, as `recommend` and `explain` take them: split at commas with
/// surrounding spaces trimmed from `--items`, or taken line by line, exactly as written, from
/// `--items-file` (`-` reads standard input).
func readSessionItems(items: String?, itemsFile: String?) throws -> [String] {
    if let items { return items.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    guard let path = itemsFile else { return [] }
    return try readItemLines(path)
}

/// The non-empty lines of the file at `path` (`-` reads standard input), each an item id exactly
/// as written: for `--items-file` and for `import --items`.
func readItemLines(_ path: String) throws -> [String] {
    let data: Data
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw DataError(file: path, "cannot be read: \(InputFile.reason(error))")
        }
    }
    guard let text = String(data: data, encoding: .utf8) else { throw DataError(file: path, "is not UTF-8 text") }
    return text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        .map { String($0.hasSuffix("\r") ? $0.dropLast() : $0[...]) }.filter { !$0.isEmpty }
}
