import Foundation

/// Reads the raw YOOCHOOSE and DIGINETICA click logs into events.
enum DelimitedLogReader {
    static func read(_ url: URL, format: Preprocessor.Format) throws -> [SessionEvent] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError(file: url.path, "cannot be read: \(error.localizedDescription)")
        }
        return try parse(data, format: format, source: url.path)
    }

    static func parse(_ data: Data, format: Preprocessor.Format, source: String) throws -> [SessionEvent] {
        let url = URL(fileURLWithPath: source)
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { throw DataError(file: url.path, line: 1, "the file is empty") }
        var events: [SessionEvent] = []
        switch format {
        case .yoochoose:
            for (index, line) in lines.enumerated() where !line.isEmpty {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count >= 3 else {
                    throw DataError(file: url.path, line: index + 1, column: fields.count + 1,
                                    "expected SessionId,Timestamp,ItemId[,Category], found \(fields.count) fields")
                }
                guard let time = parseISO8601(String(fields[1])) else {
                    throw DataError(file: url.path, line: index + 1, column: 2, "timestamp '\(fields[1])' is not ISO 8601 (2014-04-07T10:51:09.277Z)")
                }
                events.append(SessionEvent(session: String(fields[0]), item: String(fields[2]), time: time, line: index + 1))
            }
        case .diginetica:
            let header = lines[0].split(separator: ";").map(String.init)
            let needed = ["session_id", "item_id", "timeframe", "eventdate"]
            let positions = try needed.map { name -> Int in
                guard let position = header.firstIndex(of: name) else {
                    throw DataError(file: url.path, line: 1, "missing column '\(name)'; the header has: \(header.joined(separator: ", "))")
                }
                return position
            }
            for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
                let fields = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
                guard fields.count > positions.max()! else {
                    throw DataError(file: url.path, line: index + 1, column: fields.count + 1, "expected \(header.count) fields, found \(fields.count)")
                }
                guard let frame = Double(fields[positions[2]]) else {
                    throw DataError(file: url.path, line: index + 1, column: positions[2] + 1, "timeframe '\(fields[positions[2]])' is not a number")
                }
                guard let day = parseDate(fields[positions[3]]) else {
                    throw DataError(file: url.path, line: index + 1, column: positions[3] + 1, "eventdate '\(fields[positions[3]])' is not a date (2016-05-09)")
                }
                events.append(SessionEvent(session: fields[positions[0]], item: fields[positions[1]], time: day + frame / 1000, line: index + 1))
            }
        case .tsv:
            return try SessionTSVReader.parse(data, source: source)
        }
        return events
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
