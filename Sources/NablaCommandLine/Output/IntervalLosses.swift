import NablaSessions

/// The training loss over intervals of steps, for a curve: each progress report (every 50 steps)
/// closes an interval; when there are `limit` intervals, neighbours are merged in pairs, so a
/// run of any length keeps between `limit / 2` and `limit` of them, each the exact mean loss of
/// its events.
package struct IntervalLosses: Sendable {
    /// One interval: where it ends (in epochs, 1.5 being half way through the second) and the
    /// sum of its events' losses.
    package struct Interval: Sendable, Equatable {
        package var end: Double
        package var lossSum: Double
        package var events: Int
        /// The mean loss over the interval's events.
        package var meanLoss: Double { lossSum / Double(max(events, 1)) }
    }

    /// The intervals, in order.
    package private(set) var intervals: [Interval] = []
    /// The most intervals kept before pairs are merged.
    package let limit: Int
    /// Where the current epoch's last interval ended: its epoch, events and loss sum so far.
    private var epochSoFar = (epoch: 0, events: 0, lossSum: 0.0)

    /// Empty, keeping at most `limit` intervals (an even number, at least 2).
    package init(limit: Int = 400) { self.limit = max(2, limit & ~1) }

    /// Closes the interval since the last report: `progress` carries the epoch's events and mean
    /// loss so far.
    package mutating func record(_ progress: TrainingProgress) {
        record(epoch: progress.epoch, events: progress.events, meanLoss: progress.meanLoss, eventsPerEpoch: progress.eventsPerEpoch)
    }

    /// Closes the epoch's last interval from its summary.
    package mutating func record(_ summary: EpochSummary, eventsPerEpoch: Int) {
        record(epoch: summary.epoch, events: summary.events, meanLoss: summary.meanLoss, eventsPerEpoch: eventsPerEpoch)
    }

    /// Closes the interval since the last record: `events` of `epoch`'s `eventsPerEpoch` are
    /// done, at a mean loss of `meanLoss` since the epoch began.
    package mutating func record(epoch: Int, events: Int, meanLoss: Double, eventsPerEpoch: Int) {
        if epochSoFar.epoch != epoch { epochSoFar = (epoch, 0, 0) }
        let lossSum = meanLoss * Double(events)
        guard events > epochSoFar.events else { return }
        intervals.append(Interval(end: Double(epoch - 1) + Double(events) / Double(max(eventsPerEpoch, 1)),
                                  lossSum: lossSum - epochSoFar.lossSum, events: events - epochSoFar.events))
        epochSoFar = (epoch, events, lossSum)
        if intervals.count >= limit {
            intervals = stride(from: 0, to: intervals.count, by: 2).map { index in
                guard index + 1 < intervals.count else { return intervals[index] }
                let first = intervals[index], second = intervals[index + 1]
                return Interval(end: second.end, lossSum: first.lossSum + second.lossSum, events: first.events + second.events)
            }
        }
    }
}
