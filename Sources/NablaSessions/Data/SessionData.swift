import Foundation

/// Sessions ready for a session model: item rows grouped by session, sessions in time order.
///
/// Sessions are ordered by the time of their first event (oldest first, never by id: training
/// in session-id order is one of the mistakes that cost third-party ports accuracy); events inside
/// a session by time, ties kept in file order.
public struct SessionData: Sendable {
    /// Where the data came from.
    public let source: String
    /// The items, by row; for training data this is the model's item map.
    public let itemMap: ItemMap
    /// The item row of every event, session after session.
    public let items: [Int32]
    /// Session `s` holds events `sessionStarts[s] ..< sessionStarts[s + 1]`.
    public let sessionStarts: [Int]
    /// The session ids, in the same order.
    public let sessionIDs: [String]
    /// How many events were dropped because their item is not in the item map.
    public let droppedUnknownEvents: Int

    /// The number of sessions.
    public var sessionCount: Int { sessionIDs.count }
    /// The number of events kept.
    public var eventCount: Int { items.count }

    /// The item rows of session `s`.
    public func session(_ s: Int) -> ArraySlice<Int32> { items[sessionStarts[s]..<sessionStarts[s + 1]] }

    /// How often each item occurs: its support, the base of popularity sampling and logQ.
    public func itemSupport() -> [Int] {
        var counts = [Int](repeating: 0, count: itemMap.count)
        for item in items { counts[Int(item)] += 1 }
        return counts
    }

    /// Training data: builds a new item map from the items in `events`.
    ///
    /// - Throws: ``DataError`` for a session with a single event (no next item to learn from;
    ///   ``Preprocessor`` removes them).
    public static func training(_ events: [SessionEvent], source: String) throws -> SessionData {
        let grouped = group(events)
        if let short = grouped.first(where: { $0.events.count < 2 }) {
            throw DataError.singleEventSession(short.id, file: source, line: short.events[0].line)
        }
        var map = ItemMap()
        var items: [Int32] = []
        items.reserveCapacity(events.count)
        for session in grouped {
            for event in session.events { items.append(Int32(map.insert(event.item))) }
        }
        return SessionData(source: source, itemMap: map, items: items, sessionStarts: starts(grouped.map(\.events.count)),
                           sessionIDs: grouped.map(\.id), droppedUnknownEvents: 0)
    }

    /// Events grouped by session, each session sorted by time, sessions by their first event.
    private static func group(_ events: [SessionEvent]) -> [(id: String, events: [SessionEvent])] {
        var positions: [ExactID: Int] = [:]
        var sessions: [(id: String, events: [SessionEvent])] = []
        for event in events {
            if let position = positions[ExactID(event.session)] {
                sessions[position].events.append(event)
            } else {
                positions[ExactID(event.session)] = sessions.count
                sessions.append((event.session, [event]))
            }
        }
        for index in sessions.indices {
            let indexed = sessions[index].events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            sessions[index].events = indexed.map(\.element)
        }
        let order = sessions.indices.sorted { (sessions[$0].events[0].time, $0) < (sessions[$1].events[0].time, $1) }
        return order.map { sessions[$0] }
    }

    static func starts(_ lengths: [Int]) -> [Int] {
        var starts = [0]
        starts.reserveCapacity(lengths.count + 1)
        for length in lengths { starts.append(starts[starts.count - 1] + length) }
        return starts
    }
}
