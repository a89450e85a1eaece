import Nabla

/// GRU4Rec's session-parallel mini-batches.
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

    /// Walks the batches.
    public func makeIterator() -> Iterator { Iterator(self) }

    /// Produces the steps one by one.
    public struct Iterator: IteratorProtocol {
        private let starts: [Int]
        private let items: [Int32]
        private let minimumSlots: Int
        /// Per slot: session, position of its current item, end of its session.
        private var session: [Int], position: [Int], end: [Int]
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
            position = session.map { batches.data.sessionStarts[$0] }
            end = session.map { batches.data.sessionStarts[$0 + 1] }
            nextSession = initial
            pendingMapping = Array(repeating: nil, count: initial)
            finished = initial < Swift.max(1, minimumSlots)
            startRound()
        }

        /// The next step, or `nil` when every session has been walked.
        public mutating func next() -> Step? {
            while !finished && remainingInRound == 0 {
                advanceFinishedSlots()
                if !finished { startRound() }
            }
            guard !finished else { return nil }
            let step = Step(inputs: position.map { Int(items[$0]) }, targets: position.map { Int(items[$0 + 1]) },
                            previousSlot: pendingMapping, sessions: session)
            pendingMapping = session.indices.map { $0 }
            for slot in position.indices { position[slot] += 1 }
            remainingInRound -= 1
            return step
        }

        /// The number of steps every slot can take before the shortest session ends.
        private mutating func startRound() {
            remainingInRound = zip(position, end).map { $1 - $0 - 1 }.min() ?? 0
        }

        /// Gives finished slots the next sessions; drops slots when no sessions are left.
        private mutating func advanceFinishedSlots() {
            var mapping: [Int?] = []
            var newSession: [Int] = [], newPosition: [Int] = [], newEnd: [Int] = []
            for slot in session.indices {
                if end[slot] - position[slot] > 1 {
                    mapping.append(pendingMapping[slot])
                    newSession.append(session[slot]); newPosition.append(position[slot]); newEnd.append(end[slot])
                } else if nextSession < starts.count - 1 {
                    mapping.append(nil)
                    newSession.append(nextSession)
                    newPosition.append(starts[nextSession])
                    newEnd.append(starts[nextSession + 1])
                    nextSession += 1
                }
            }
            session = newSession; position = newPosition; end = newEnd
            pendingMapping = mapping
            if session.count < Swift.max(1, minimumSlots) { finished = true }
        }
    }
}
