import Foundation
import Nabla
import NablaNN

/// The checksums that seal the lines of a ``TuningJournal``.
///
/// Every line is a JSON object whose last key is its checksum: `{…,"checksum":"0123456789abcdef"}`.
/// The checksum is FNV-1a over the previous line's checksum (none for the first line) and the
/// line's own text up to that key, so an edited value, an edited or inserted line, a line taken
/// from another journal and a line removed from the middle all fail to match. Any accidental
/// change is caught; FNV-1a is no protection against a deliberate forgery.
enum JournalChecksum {
    /// What stands between a line's JSON members and its checksum.
    private static let marker = ",\"checksum\":\""

    /// `json` (the text of a JSON object with at least one member) with its checksum as a last
    /// member, and that checksum, which the next line's chains to.
    ///
    /// - Parameters:
    ///   - json: The line's object, without a newline.
    ///   - previous: The previous line's checksum, `""` for the first line.
    static func sealed(_ json: String, after previous: String) -> (line: String, checksum: String) {
        if !json.hasSuffix("}") { misuse("JournalChecksum.sealed", "a journal line is a JSON object, not \(json.prefix(40))") }
        let body = String(json.dropLast())
        let checksum = self.checksum(of: body, after: previous)
        return (body + marker + checksum + "\"}", checksum)
    }

    /// The line's JSON object without its checksum, and the checksum, when the checksum is there
    /// and matches; `nil` when it is missing or does not match.
    ///
    /// - Parameters:
    ///   - line: A line of the journal, without its newline.
    ///   - previous: The previous line's checksum, `""` for the first line.
    static func opened(_ line: String, after previous: String) -> (json: String, checksum: String)? {
        guard line.hasSuffix("\"}"), let range = line.range(of: marker, options: .backwards) else { return nil }
        let body = String(line[..<range.lowerBound])
        let stored = String(line[range.upperBound...].dropLast(2))
        guard stored == checksum(of: body, after: previous) else { return nil }
        return (body + "}", stored)
    }

    private static func checksum(of body: String, after previous: String) -> String {
        var hash = FNV1a()
        hash.add(previous)
        hash.add(body)
        return hash.hex
    }
}
