import Foundation
import NablaSessions
import NablaTestSupport
import Testing

/// Session-parallel mini-batches, checked step by step on a hand-made example.
@Suite struct BatchingTests {
    @Test func fiveSessionsOfLengths25324WithTwoSlots() throws {
        // Rows: S0 = 0 1, S1 = 2 3 4 5 6, S2 = 7 8 9, S3 = 10 11, S4 = 12 13 14 15.
        let data = try sessions([[0, 1], [2, 3, 4, 5, 6], [7, 8, 9], [10, 11], [12, 13, 14, 15]])
        let steps = Array(SessionParallelBatches(data: data, batchSize: 2))
        let expected: [(inputs: [Int], targets: [Int], previous: [Int?])] = [
            ([0, 2], [1, 3], [nil, nil]),       // S0 and S1 start
            ([7, 3], [8, 4], [nil, 1]),         // S0 ended: S2 takes slot 0 from zero; S1 continues
            ([8, 4], [9, 5], [0, 1]),
            ([10, 5], [11, 6], [nil, 1]),       // S2 ended: S3 takes slot 0
            ([12], [13], [nil]),                // S3 ended: S4 takes slot 0; S1 ended with none left: the batch shrinks
            ([13], [14], [0]),
            ([14], [15], [0]),
        ]
        #expect(steps.count == expected.count)
        for (step, want) in zip(steps, expected) {
            #expect(step.inputs == want.inputs)
            #expect(step.targets == want.targets)
            #expect(step.previousSlot == want.previous)
        }
        #expect(steps.reduce(0) { $0 + $1.inputs.count } == data.eventCount - data.sessionCount)
    }

    @Test func aSavedPositionContinuesWithTheNextStepWithoutWalkingAgain() throws {
        let data = try sessions([[0, 1], [2, 3, 4, 5, 6], [7, 8, 9], [10, 11], [12, 13, 14, 15]])
        let batches = SessionParallelBatches(data: data, batchSize: 2)
        let all = Array(batches)
        for stop in 0...all.count {
            var iterator = batches.makeIterator()
            for _ in 0..<stop { _ = iterator.next() }
            let position = iterator.position
            // Through JSON, as a checkpoint stores it.
            let stored = try JSONDecoder().decode(SessionParallelBatches.Position.self, from: JSONEncoder().encode(position))
            var resumed = try batches.makeIterator(resumingAt: stored)
            var rest: [SessionParallelBatches.Step] = []
            while let step = resumed.next() { rest.append(step) }
            #expect(rest == Array(all[stop...]), "resuming after \(stop) steps")
        }
    }

    @Test func aPositionThatDoesNotFitTheDataIsRefused() throws {
        let data = try sessions([[0, 1], [2, 3, 4, 5, 6], [7, 8, 9]])
        let batches = SessionParallelBatches(data: data, batchSize: 2)
        var iterator = batches.makeIterator()
        _ = iterator.next()
        let good = iterator.position
        var pastTheData = good
        pastTheData.events[1] = data.eventCount + 3
        var unknownSlot = good
        unknownSlot.previousSlot[0] = 7
        var tooManySlots = good
        tooManySlots.sessions.append(2); tooManySlots.events.append(7); tooManySlots.ends.append(10); tooManySlots.previousSlot.append(nil)
        for bad in [pastTheData, unknownSlot, tooManySlots] {
            #expect(throws: BatchPositionError.self) { _ = try batches.makeIterator(resumingAt: bad) }
        }
    }

    @Test func everyPredictionIsMadeExactlyOnceForAnyBatchSize() throws {
        let lengths = [3, 2, 7, 2, 2, 5, 4, 2, 9, 3, 2, 6]
        var next = 0
        let data = try sessions(lengths.map { length in (0..<length).map { _ in defer { next += 1 }; return next } })
        for batchSize in [1, 2, 3, 5, 12, 20] {
            var pairs: [[Int]] = []
            for step in SessionParallelBatches(data: data, batchSize: batchSize) {
                pairs += zip(step.inputs, step.targets).map { [$0, $1] }
            }
            let expected = (0..<data.sessionCount).flatMap { s -> [[Int]] in
                let items = data.session(s).map(Int.init)
                return zip(items, items.dropFirst()).map { [$0, $1] }
            }
            #expect(pairs.sorted { $0.lexicographicallyPrecedes($1) } == expected.sorted { $0.lexicographicallyPrecedes($1) },
                    "batch size \(batchSize)")
        }
    }

    @Test func withoutSamplesTrainingStopsBelowTwoSlots() throws {
        let data = try sessions([[0, 1], [2, 3, 4, 5]])
        let steps = Array(SessionParallelBatches(data: data, batchSize: 2, minimumSlots: 2))
        #expect(steps.map(\.inputs) == [[0, 2]])
    }

    @Test func aBatchSizeBelowOneIsAClearMisuse() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SessionParallelBatches(data: try! sessions([[0, 1]]), batchSize: 0)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("SessionParallelBatches: batch size must be positive, got 0"))
    }
}
