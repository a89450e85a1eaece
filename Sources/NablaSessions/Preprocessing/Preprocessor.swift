import Foundation
import NablaNN

/// Turns a raw click log into session files for training and testing, by the official GRU4Rec's protocol.
///
/// 1. Consecutive repeats of the same item in a session are merged (a page reload is not a new
///    interest).
/// 2. Sessions with one event and items with fewer than 5 occurrences are removed, repeatedly,
///    until both rules hold.
/// 3. Test: sessions whose first event falls in the last `testDays` days; train: the rest.
///    Test events with items absent from train are dropped, then test sessions shorter than 2.
/// 4. The same split applied again to train gives `train_tr` and `train_valid`, for tuning.
public enum Preprocessor {
    /// The raw log formats read.
    public enum Format: String, CaseIterable, Sendable {
        /// Session TSV with a `SessionId ItemId Time` header.
        case tsv
        /// YOOCHOOSE `yoochoose-clicks.dat`: `SessionId,Timestamp,ItemId,Category`, no header,
        /// ISO-8601 timestamps.
        case yoochoose
        /// DIGINETICA `train-item-views.csv`: `session_id;user_id;item_id;timeframe;eventdate`
        /// with a header; time is the date plus the millisecond `timeframe`.
        case diginetica
    }

    /// The sizes of what was written, and what each rule of the protocol merged or removed.
    public struct Summary: Sendable, Equatable {
        /// Events and sessions in each output file, by file name.
        public let files: [String: (events: Int, sessions: Int)]
        /// What was read and what each rule changed.
        public let changes: Changes
        /// Equality on the counts.
        public static func == (a: Summary, b: Summary) -> Bool {
            a.changes == b.changes && a.files.keys.sorted() == b.files.keys.sorted()
                && a.files.allSatisfy { b.files[$0.key]?.events == $0.value.events && b.files[$0.key]?.sessions == $0.value.sessions }
        }
    }

    /// What the raw log held, and what each rule of the protocol merged or removed, in order.
    public struct Changes: Sendable, Equatable {
        /// Events and sessions read from the raw log.
        public var eventsRead = 0, sessionsRead = 0
        /// Events merged into the one before them: the same item again, next in its session.
        public var mergedRepeats = 0
        /// Events removed because their item was seen fewer than the minimum support, and how
        /// many distinct items that was.
        public var rareItemEvents = 0, rareItems = 0
        /// Sessions removed because fewer than two events were left, with the events they held.
        public var shortSessions = 0, shortSessionEvents = 0
        /// Test events dropped because their item is not in `train_full.tsv`, and the test
        /// sessions dropped because fewer than two events were left after that.
        public var unknownTestEvents = 0, shortTestSessions = 0
    }

    /// The files a run writes, in order.
    public static let outputNames = ["train_full.tsv", "test.tsv", "train_tr.tsv", "train_valid.tsv"]

    /// Reads `input`, applies the protocol and writes `train_full.tsv`, `test.tsv`,
    /// `train_tr.tsv` and `train_valid.tsv` into `folder`, as one set: `folder` ends up holding
    /// either its earlier files or all four new ones (see `FileSet` (NablaNN)), so it may hold nothing
    /// else.
    ///
    /// - Throws: ``DataError`` when the log cannot be read, when no session is left, or when
    ///   `testDays` would leave `train_full.tsv` or `test.tsv` empty (naming the days allowed);
    ///   nothing is written then.
    public static func run(input: URL, format: Format, testDays: Double = 1, minimumItemSupport: Int = 5,
                           to folder: URL) throws -> Summary {
        let events = try read(input, format: format)
        var changes = Changes()
        changes.sessionsRead = events.count
        changes.eventsRead = events.reduce(0) { $0 + $1.events.count }
        let merged = mergeRepeats(events)
        changes.mergedRepeats = changes.eventsRead - merged.reduce(0) { $0 + $1.events.count }
        let cleaned = filter(merged, minimumItemSupport: minimumItemSupport, changes: &changes)
        guard !cleaned.isEmpty else {
            throw DataError(file: input.path, "no sessions are left after removing single-event sessions and items seen fewer than \(minimumItemSupport) times")
        }
        let (train, test) = split(cleaned, testDays: testDays, changes: &changes)
        try checkSplit(cleaned, train: train, test: test, testDays: testDays, source: input.path)
        var validationChanges = Changes()
        let (trainTr, valid) = split(train, testDays: testDays, changes: &validationChanges)
        let parts = [train, test, trainTr, valid]
        try OutputFolder.writeSet(zip(outputNames, parts).map { ($0, text(of: $1)) }, to: folder)
        var files: [String: (events: Int, sessions: Int)] = [:]
        for (name, sessions) in zip(outputNames, parts) { files[name] = (sessions.reduce(0) { $0 + $1.events.count }, sessions.count) }
        return Summary(files: files, changes: changes)
    }

    /// Throws when `testDays` leaves no training session or no test session: the days allowed
    /// are below the time from the first session's start to the last event.
    static func checkSplit(_ sessions: [Session], train: [Session], test: [Session], testDays: Double, source: String) throws {
        let last = sessions.map { $0.events.last!.time }.max()!, first = sessions.map(\.start).min()!
        let span = (last - first) / 86_400
        if train.isEmpty {
            throw DataError(file: source, "test days \(days(testDays)) would put every session in the test set and leave train_full.tsv "
                + "empty: the first session starts \(days(span)) days before the last event, so the test days must be above 0 and below \(days(span))")
        }
        if test.isEmpty {
            throw DataError(file: source, "no session starting in the last \(days(testDays)) days keeps two events of items in "
                + "train_full.tsv: test.tsv would be empty (the test days must be above 0 and below \(days(span)); more days take more sessions)")
        }
    }

    /// A number of days for messages: whole numbers as such, others with up to 6 significant digits.
    public static func days(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.6g", value)
    }

    /// Parses a raw log held in memory into events (the first stage of ``run(input:format:testDays:minimumItemSupport:to:)``).
    ///
    /// - Throws: ``DataError`` with the line and column of the first malformed field.
    public static func parse(_ data: Data, format: Format, source: String) throws -> [SessionEvent] {
        try DelimitedLogReader.parse(data, format: format, source: source)
    }

    /// A session: its id and its events (item, time), in time order.
    struct Session {
        let id: String
        var events: [(item: String, time: Double)]
        var start: Double { events[0].time }
    }

    /// Reads a raw log into sessions.
    static func read(_ url: URL, format: Format) throws -> [Session] {
        let raw: [SessionEvent]
        switch format {
        case .tsv:
            raw = try SessionTSVReader.read(url)
        case .yoochoose, .diginetica:
            raw = try DelimitedLogReader.read(url, format: format)
        }
        return sessions(of: raw)
    }

    /// Events grouped into sessions, each in time order (ties in file order).
    static func sessions(of raw: [SessionEvent]) -> [Session] {
        var order: [String] = []
        var grouped: [ExactID: [(item: String, time: Double, line: Int)]] = [:]
        for event in raw {
            if grouped[ExactID(event.session)] == nil { order.append(event.session) }
            grouped[ExactID(event.session), default: []].append((event.item, event.time, event.line))
        }
        return order.map { id in
            let events = grouped[ExactID(id)]!.sorted { ($0.time, $0.line) < ($1.time, $1.line) }.map { (item: $0.item, time: $0.time) }
            return Session(id: id, events: events)
        }
    }

    static func mergeRepeats(_ sessions: [Session]) -> [Session] {
        sessions.map { session in
            var merged = session
            merged.events = []
            for event in session.events where merged.events.last.map({ ExactID($0.item) }) != ExactID(event.item) { merged.events.append(event) }
            return merged
        }
    }

    /// Removes items seen fewer than `minimumItemSupport` times and sessions with fewer than two
    /// events, repeatedly, until both rules hold; counts what it removed into `changes`.
    static func filter(_ sessions: [Session], minimumItemSupport: Int, changes: inout Changes) -> [Session] {
        var current = sessions
        var rareItems = Set<ExactID>()
        while true {
            var support: [ExactID: Int] = [:]
            for session in current { for event in session.events { support[ExactID(event.item), default: 0] += 1 } }
            for (item, count) in support where count < minimumItemSupport {
                rareItems.insert(item)
                changes.rareItemEvents += count
            }
            let next = current.compactMap { session -> Session? in
                var kept = session
                kept.events = session.events.filter { support[ExactID($0.item)]! >= minimumItemSupport }
                guard kept.events.count >= 2 else {
                    changes.shortSessions += 1
                    changes.shortSessionEvents += kept.events.count
                    return nil
                }
                return kept
            }
            let stable = next.count == current.count
                && zip(next, current).allSatisfy { $0.events.count == $1.events.count }
            current = next
            if stable {
                changes.rareItems = rareItems.count
                return current
            }
        }
    }

    /// Sessions starting in the last `testDays` days go to test (restricted to train's items);
    /// the test events and sessions dropped are counted into `changes`.
    static func split(_ sessions: [Session], testDays: Double, changes: inout Changes) -> (train: [Session], test: [Session]) {
        guard let last = sessions.map({ $0.events.last!.time }).max() else { return ([], []) }
        let boundary = last - testDays * 86_400
        let train = sessions.filter { $0.start < boundary }
        var items = Set<ExactID>()
        for session in train { for event in session.events { items.insert(ExactID(event.item)) } }
        let test = sessions.filter { $0.start >= boundary }.compactMap { session -> Session? in
            var kept = session
            kept.events = session.events.filter { items.contains(ExactID($0.item)) }
            changes.unknownTestEvents += session.events.count - kept.events.count
            guard kept.events.count >= 2 else {
                changes.shortTestSessions += 1
                return nil
            }
            return kept
        }
        return (train, test)
    }

    /// `sessions` as session TSV, in order of their start.
    static func text(of sessions: [Session]) -> [UInt8] {
        var text = "SessionId\tItemId\tTime\n"
        for session in sessions.sorted(by: { ($0.start, $0.id) < ($1.start, $1.id) }) {
            for event in session.events { text += "\(session.id)\t\(event.item)\t\(formatTime(event.time))\n" }
        }
        return Array(text.utf8)
    }

    private static func formatTime(_ time: Double) -> String {
        time == time.rounded() && abs(time) < 1e15 ? String(Int64(time)) : String(time)
    }
}
