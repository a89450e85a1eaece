import Foundation

/// Reads the raw YOOCHOOSE and DIGINETICA click logs into events: streamed from a file, line by
/// line in linear time with the session files' line limit, or parsed from bytes in memory; both
/// accept and refuse the same lines with the same messages.
enum DelimitedLogReader {
    /// The longest line a raw log may have, in bytes (1 MiB, as for session files).
    static let maximumLineLength = 1 << 20

    /// Every event of the log at `url`, streamed (the file is never held in memory whole).
    static func read(_ url: URL, format: Preprocessor.Format) throws -> [SessionEvent] {
        if format == .tsv { return try SessionTSVReader.read(url) }
        _ = try InputFile.identity(of: url.path, describing: format == .yoochoose ? "YOOCHOOSE click log" : "DIGINETICA click log")
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw DataError(file: url.path, "cannot be read: \(InputFile.reason(error))")
        }
        defer { try? handle.close() }
        var parser = DelimitedLogLineParser(format: format, source: url.path)
        var scanner = LineScanner(maximumLineLength: maximumLineLength) { number in
            DataError(file: url.path, line: number, column: maximumLineLength + 1,
                      "the line is longer than \(maximumLineLength) bytes, the most a click log may have (is this a click log with line breaks?)")
        }
        try scanner.scan(handle, source: url.path) { line, number in try parser.consume(line, number: number) }
        return try parser.finish()
    }

    /// Every event of a log held in memory; `source` names it in errors.
    static func parse(_ data: Data, format: Preprocessor.Format, source: String) throws -> [SessionEvent] {
        if format == .tsv { return try SessionTSVReader.parse(data, source: source) }
        var parser = DelimitedLogLineParser(format: format, source: source)
        var lines = [UInt8](data).split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for (index, line) in lines.enumerated() { try parser.consume(line, number: index + 1) }
        return try parser.finish()
    }

    /// Seconds since 1970 of `2014-04-07T10:51:09.277Z` (fraction optional).
    static func parseISO8601(_ text: String) -> Double? {
        let parts = text.split(separator: "T")
        guard parts.count == 2, let day = parseDate(String(parts[0])) else { return nil }
        var clock = parts[1]
        if clock.hasSuffix("Z") { clock = clock.dropLast() }
        let fields = clock.split(separator: ":")
        guard fields.count == 3, let hours = Double(fields[0]), let minutes = Double(fields[1]), let seconds = Double(fields[2]),
              hours < 24, minutes < 60, seconds < 61 else { return nil }
        return day + hours * 3600 + minutes * 60 + seconds
    }

    /// Seconds since 1970 of midnight UTC on `2016-05-09`.
    static func parseDate(_ text: String) -> Double? {
        let fields = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard fields.count == 3, let year = fields[0], let month = fields[1], let day = fields[2],
              (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        // Days from the civil date (proleptic Gregorian), Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Double(era * 146_097 + dayOfEra - 719_468) * 86_400
    }
}
