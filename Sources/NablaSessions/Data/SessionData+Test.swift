import Foundation

extension SessionData {
    /// Test data against a trained model's items: events whose item the model does not know are
    /// dropped (and counted), as the official evaluation does.
    public static func test(_ events: [SessionEvent], source: String, itemMap: ItemMap) -> SessionData {
        var builder = CompactSessionsBuilder(itemMap: itemMap)
        for event in events { builder.add(event) }
        return builder.build(source: source)
    }

    /// Test data read straight from the file at `url`, streamed: each event is reduced to its
    /// item row, session and time as it is read (about 20 bytes), so neither the file nor its
    /// events as text are ever held whole. The result equals
    /// `test(SessionTSVReader.read(url), source: url.path, itemMap: itemMap)`.
    ///
    /// - Throws: ``DataError`` naming file, line and column for malformed input.
    public static func test(streamingFrom url: URL, columns: SessionColumns = SessionColumns(), itemMap: ItemMap) throws -> SessionData {
        var builder = CompactSessionsBuilder(itemMap: itemMap)
        try SessionTSVReader.forEachEvent(in: url, columns: columns) { builder.add($0) }
        return builder.build(source: url.path)
    }

    /// Training data read straight from the file at `url`, streamed and kept compact (about 20
    /// bytes an event, plus each distinct id once), so that a large file needs little more memory
    /// than its sessions. The result equals `training(SessionTSVReader.read(url), source: url.path)`,
    /// item rows included.
    ///
    /// - Parameters:
    ///   - url: the session file.
    ///   - columns: its column names and line limit.
    ///   - memoryLimit: with a limit in bytes, reading stops with an error as soon as the data read
    ///     so far would need more, before the machine runs out.
    ///   - bytesPerEvent: the memory an event needs while the data is ordered.
    ///   - bytesPerSession: the memory a session needs (its id, index entry and order).
    ///   - bytesPerItem: the memory a distinct item id needs.
    /// - Throws: ``DataError`` naming file, line and column for malformed input, for a
    ///   session with a single event, and for data over the memory limit.
    public static func training(
        streamingFrom url: URL, columns: SessionColumns = SessionColumns(), memoryLimit: Int? = nil,
        bytesPerEvent: Int = 27, bytesPerSession: Int = 120, bytesPerItem: Int = 64
    ) throws -> SessionData {
        var builder = CompactSessionsBuilder(itemMap: nil)
        try SessionTSVReader.forEachEvent(in: url, columns: columns) { event in
            builder.add(event)
            guard let memoryLimit, builder.eventCount % 65_536 == 0 else { return }
            let needed = bytesPerEvent * builder.eventCount + bytesPerSession * builder.sessionCount + bytesPerItem * builder.itemCount
            if needed > memoryLimit {
                throw DataError(file: url.path, line: event.line, "reading this file needs more than the \(memoryLimit >> 20) MB "
                    + "of memory available (\(needed >> 20) MB for its first \(builder.eventCount) events); use a smaller file "
                    + "or a larger machine")
            }
        }
        return try builder.buildTraining(source: url.path)
    }
}

/// Collects events compactly and orders them the way ``SessionData`` does: sessions by the
/// time of their first event (ties in order of appearance), events in a session by time (ties in
/// file order).
///
/// For test data (an item map given), events with unknown items count towards their session's
/// first time, as in the official evaluation, and are then dropped. For training data (no item
/// map) every item id is interned as it comes, and rows are given afterwards in the order items
/// first appear in the ordered sessions, as ``SessionData/training(_:source:)`` gives them.
struct CompactSessionsBuilder {
    let itemMap: ItemMap?
    private var sessionIndex: [ExactID: Int32] = [:]
    private var sessionIDs: [String] = []
    private var firstTimes: [Double] = []
    /// The line of each session's first event in the file (for errors about it).
    private var firstLines: [Int] = []
    /// Training only: the item ids in order of appearance in the file.
    private var itemIndex: [ExactID: Int32] = [:]
    private var itemIDs: [String] = []
    /// Kept events, in file order: session, item (row, or index into `itemIDs`), time.
    private var sessions: [Int32] = []
    private var items: [Int32] = []
    private var times: [Double] = []
    private var dropped = 0

    init(itemMap: ItemMap?) {
        self.itemMap = itemMap
    }

    /// Events, sessions and distinct items read so far.
    var eventCount: Int { sessions.count }
    var sessionCount: Int { sessionIDs.count }
    var itemCount: Int { itemIDs.count }

    mutating func add(_ event: SessionEvent) {
        let session: Int32
        if let known = sessionIndex[ExactID(event.session)] {
            session = known
            firstTimes[Int(known)] = Swift.min(firstTimes[Int(known)], event.time)
        } else {
            session = Int32(sessionIDs.count)
            sessionIndex[ExactID(event.session)] = session
            sessionIDs.append(event.session)
            firstTimes.append(event.time)
            firstLines.append(event.line)
        }
        let row: Int32
        if let itemMap {
            guard let known = itemMap.row(of: event.item) else {
                dropped += 1
                return
            }
            row = Int32(known)
        } else if let known = itemIndex[ExactID(event.item)] {
            row = known
        } else {
            row = Int32(itemIDs.count)
            itemIndex[ExactID(event.item)] = row
            itemIDs.append(event.item)
        }
        sessions.append(session)
        items.append(row)
        times.append(event.time)
    }

    /// Training data: refuses a session with a single event, and numbers the items in order of
    /// first appearance in the ordered sessions.
    func buildTraining(source: String) throws -> SessionData {
        var lengths = [Int](repeating: 0, count: sessionIDs.count)
        for session in sessions { lengths[Int(session)] += 1 }
        let sessionOrder = firstTimes.indices.sorted { (firstTimes[$0], $0) < (firstTimes[$1], $1) }
        if let short = sessionOrder.first(where: { lengths[$0] < 2 }) {
            throw DataError.singleEventSession(sessionIDs[short], file: source, line: firstLines[short])
        }
        let ordered = build(source: source)
        var rowOfIndex = [Int32](repeating: -1, count: itemIDs.count)
        var map = ItemMap()
        var items = ordered.items
        for position in items.indices {
            let index = Int(items[position])
            if rowOfIndex[index] < 0 { rowOfIndex[index] = Int32(map.insert(itemIDs[index])) }
            items[position] = rowOfIndex[index]
        }
        return SessionData(source: source, itemMap: map, items: items, sessionStarts: ordered.sessionStarts,
                           sessionIDs: ordered.sessionIDs, droppedUnknownEvents: 0)
    }

    func build(source: String) -> SessionData {
        let sessionOrder = firstTimes.indices.sorted { (firstTimes[$0], $0) < (firstTimes[$1], $1) }
        var rank = [Int](repeating: 0, count: sessionOrder.count)
        for (position, session) in sessionOrder.enumerated() { rank[session] = position }
        let eventOrder = items.indices.sorted {
            (rank[Int(sessions[$0])], times[$0], $0) < (rank[Int(sessions[$1])], times[$1], $1)
        }
        var lengths = [Int](repeating: 0, count: sessionIDs.count)
        for session in sessions { lengths[Int(session)] += 1 }
        let keptSessions = sessionOrder.filter { lengths[$0] > 0 }
        return SessionData(source: source, itemMap: itemMap ?? ItemMap(), items: eventOrder.map { items[$0] },
                           sessionStarts: SessionData.starts(keptSessions.map { lengths[$0] }),
                           sessionIDs: keptSessions.map { sessionIDs[$0] }, droppedUnknownEvents: dropped)
    }
}
