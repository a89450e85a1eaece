import Nabla

/// Session-parallel mini-batches, as the official GRU4Rec makes them.
///
/// Each of `batchSize` slots holds one session. A step feeds every slot its session's current item
/// and asks for the next one. When a slot's session has no next item, the next session (in time
/// order) takes the slot and the slot's hidden state starts again from zero. When no sessions are
/// left, finished slots are dropped and the batch shrinks: there is no padding and no session is
/// dropped at the end.
///
/// Each ``Step`` says, for every slot, which slot of the previous step it continues (`nil` for a
/// session that starts here), which is everything the model needs to carry or reset hidden states.
public struct SessionParallelBatches: Sequence {
    /// One training step.
    public struct Step: Equatable, Sendable {
        /// The current item of each slot (item rows).
        public let inputs: [Int]
        /// The next item of each slot: what to predict.
        public let targets: [Int]
        /// For each slot, the previous step's slot whose hidden state it continues, or `nil`
        /// when a new session starts in it (its hidden state is reset to zero).
        public let previousSlot: [Int?]
        /// The session index held by each slot, for evaluation reports.
        public let sessions: [Int]
    }

    /// The sessions to walk.
    public let data: SessionData
    /// The number of slots.
    public let batchSize: Int
    /// Stop once fewer slots than this are active. The official implementation stops below 2
    /// slots when it draws no extra negative samples (a single slot has no in-batch negative).
    public let minimumSlots: Int

    /// Batches over `data` with `batchSize` slots.
    public init(data: SessionData, batchSize: Int, minimumSlots: Int = 1) {
        if batchSize < 1 { misuse("SessionParallelBatches", "batch size must be positive, got \(batchSize)") }
        self.data = data
        self.batchSize = batchSize
        self.minimumSlots = minimumSlots
    }

    /// Walks the batches from the start.
    public func makeIterator() -> Iterator { Iterator(self) }

    /// Walks the batches from a position saved with ``Iterator/position``: the step that would
    /// have come next is the first one returned.
    ///
    /// - Throws: ``BatchPositionError`` when the position does not fit this data and batch size.
    public func makeIterator(resumingAt position: Position) throws -> Iterator {
        try position.validate(for: self)
        var iterator = Iterator(self)
        iterator.position = position
        return iterator
    }

    /// Where an iterator stands: every slot's session and event, which sessions are still to
    /// come, and how each slot maps to the previous step's. A checkpoint stores it, so training
    /// resumes at its step without walking the batches again.
    public struct Position: Codable, Equatable, Sendable {
        /// Per slot: the session it holds, the position of its current event, and its session's end.
        public var sessions: [Int], events: [Int], ends: [Int]
        /// The next session to take a slot.
        public var nextSession: Int
        /// Per slot, the previous step's slot it continues (`nil`: a new session).
        public var previousSlot: [Int?]
        /// Steps left before the shortest session in a slot ends.
        public var remainingInRound: Int
        /// Whether every session has been walked.
        public var finished: Bool

        func validate(for batches: SessionParallelBatches) throws {
            let starts = batches.data.sessionStarts, sessionCount = batches.data.sessionCount
            let slots = sessions.count
            guard events.count == slots, ends.count == slots, previousSlot.count == slots, slots <= batches.batchSize else {
                throw BatchPositionError("the slot lists have different lengths or exceed the batch size \(batches.batchSize)")
            }
            guard finished || slots >= Swift.max(1, batches.minimumSlots) else {
                throw BatchPositionError("\(slots) slots are left but the walk is not finished")
            }
            guard (0...sessionCount).contains(nextSession), remainingInRound >= 0 else {
                throw BatchPositionError("the next session \(nextSession) or the steps left \(remainingInRound) are out of range")
            }
            for slot in 0..<slots {
                let session = sessions[slot]
                guard (0..<sessionCount).contains(session), session < nextSession, ends[slot] == starts[session + 1],
                      (starts[session]..<ends[slot]).contains(events[slot]),
                      events[slot] + remainingInRound < ends[slot] || finished else {
                    throw BatchPositionError("slot \(slot) does not point into a session of the data")
                }
                if let source = previousSlot[slot], !(0..<slots).contains(source) {
                    throw BatchPositionError("slot \(slot) continues slot \(source), which does not exist")
                }
            }
        }
    }

    /// Produces the steps one by one.
    public struct Iterator: IteratorProtocol {
        private let starts: [Int]
        private let items: [Int32]
        private let minimumSlots: Int
        /// Per slot: session, position of its current item, end of its session.
        private var session: [Int], eventIndex: [Int], end: [Int]
        private var nextSession: Int
        private var pendingMapping: [Int?]
        private var remainingInRound = 0
        private var finished = false

        init(_ batches: SessionParallelBatches) {
            starts = batches.data.sessionStarts
            items = batches.data.items
            minimumSlots = batches.minimumSlots
            let initial = Swift.min(batches.batchSize, batches.data.sessionCount)
            session = Array(0..<initial)
            eventIndex = session.map { batches.data.sessionStarts[$0] }
            end = session.map { batches.data.sessionStarts[$0 + 1] }
            nextSession = initial
            pendingMapping = Array(repeating: nil, count: initial)
            finished = initial < Swift.max(1, minimumSlots)
            startRound()
        }

        /// Where the iterator stands; set it to continue from a saved position.
        public internal(set) var position: Position {
            get {
                Position(sessions: session, events: eventIndex, ends: end, nextSession: nextSession,
                         previousSlot: pendingMapping, remainingInRound: remainingInRound, finished: finished)
            }
            set {
                (session, eventIndex, end, nextSession) = (newValue.sessions, newValue.events, newValue.ends, newValue.nextSession)
                (pendingMapping, remainingInRound, finished) = (newValue.previousSlot, newValue.remainingInRound, newValue.finished)
            }
        }

        /// The next step, or `nil` when every session has been walked.
        public mutating func next() -> Step? {
            while !finished && remainingInRound == 0 {
                advanceFinishedSlots()
                if !finished { startRound() }
            }
            guard !finished else { return nil }
            let step = Step(inputs: eventIndex.map { Int(items[$0]) }, targets: eventIndex.map { Int(items[$0 + 1]) },
                            previousSlot: pendingMapping, sessions: session)
            pendingMapping = session.indices.map { $0 }
            for slot in eventIndex.indices { eventIndex[slot] += 1 }
            remainingInRound -= 1
            return step
        }

        /// The number of steps every slot can take before the shortest session ends.
        private mutating func startRound() {
            remainingInRound = zip(eventIndex, end).map { $1 - $0 - 1 }.min() ?? 0
        }

        /// Gives finished slots the next sessions; drops slots when no sessions are left.
        private mutating func advanceFinishedSlots() {
            var mapping: [Int?] = []
            var newSession: [Int] = [], newPosition: [Int] = [], newEnd: [Int] = []
            for slot in session.indices {
                if end[slot] - eventIndex[slot] > 1 {
                    mapping.append(pendingMapping[slot])
                    newSession.append(session[slot]); newPosition.append(eventIndex[slot]); newEnd.append(end[slot])
                } else if nextSession < starts.count - 1 {
                    mapping.append(nil)
                    newSession.append(nextSession)
                    newPosition.append(starts[nextSession])
                    newEnd.append(starts[nextSession + 1])
                    nextSession += 1
                }
            }
            session = newSession; eventIndex = newPosition; end = newEnd
            pendingMapping = mapping
            if session.count < Swift.max(1, minimumSlots) { finished = true }
        }
    }
}

/// A saved batch position that does not fit the data it is resumed on.
public struct BatchPositionError: Error, CustomStringConvertible, Sendable {
    /// What does not fit.
    public let message: String
    init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { "the saved batch position does not fit the data: \(message)" }
}
