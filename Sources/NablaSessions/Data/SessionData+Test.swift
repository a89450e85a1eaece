import Foundation

extension SessionData {
    /// Test data against a trained model's items: events whose item the model does not know are
    /// dropped (and counted), as the official evaluation does.
    public static func test(_ events: [SessionEvent], source: String, itemMap: ItemMap) -> SessionData {
        var builder = TestSessionsBuilder(itemMap: itemMap)
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
        var builder = TestSessionsBuilder(itemMap: itemMap)
        try SessionTSVReader.forEachEvent(in: url, columns: columns) { builder.add($0) }
        return builder.build(source: url.path)
    }
}

/// Collects test events compactly and orders them the way ``SessionData`` does: sessions by the
/// time of their first event (ties in order of appearance), events in a session by time (ties in
/// file order). Events with unknown items count towards their session's first time, as in the
/// official evaluation, and are then dropped.
struct TestSessionsBuilder {
    let itemMap: ItemMap
    private var sessionIndex: [String: Int32] = [:]
    private var sessionIDs: [String] = []
    private var firstTimes: [Double] = []
    /// Kept events, in file order: session, item row, time.
    private var sessions: [Int32] = []
    private var items: [Int32] = []
    private var times: [Double] = []
    private var dropped = 0

    init(itemMap: ItemMap) {
        self.itemMap = itemMap
    }

    mutating func add(_ event: SessionEvent) {
        let session: Int32
        if let known = sessionIndex[event.session] {
            session = known
            firstTimes[Int(known)] = Swift.min(firstTimes[Int(known)], event.time)
        } else {
            session = Int32(sessionIDs.count)
            sessionIndex[event.session] = session
            sessionIDs.append(event.session)
            firstTimes.append(event.time)
        }
        guard let row = itemMap.row(of: event.item) else {
            dropped += 1
            return
        }
        sessions.append(session)
        items.append(Int32(row))
        times.append(event.time)
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
        return SessionData(source: source, itemMap: itemMap, items: eventOrder.map { items[$0] },
                           sessionStarts: SessionData.starts(keptSessions.map { lengths[$0] }),
                           sessionIDs: keptSessions.map { sessionIDs[$0] }, droppedUnknownEvents: dropped)
    }
}
