import Foundation
@testable import NablaKernels
import Testing

/// The tuner's choice from window times given to it, and what it does to ``ComputeThreads``.
@Suite(.serialized) struct ThreadCountTunerTests {
    /// Feeds `windows` window times: `seconds(threads)` for a window run with `threads`.
    /// Returns the thread count each window ran with.
    @discardableResult
    func run(_ tuner: ThreadCountTuner, windows: Int, seconds: (Int) -> Double) -> [Int] {
        (0..<windows).map { _ in
            let threads = tuner.current
            tuner.windowFinished(seconds: seconds(threads))
            return threads
        }
    }

    @Test func keepsTheMaximumWhileItIsFaster() {
        let tuner = ThreadCountTuner(maximum: 2, trialEvery: 5)
        let used = run(tuner, windows: 60, seconds: { $0 == 2 ? 1.0 : 1.3 })
        #expect(tuner.chosen == 2 && tuner.switches == 0)
        // One trial window of 1 thread after every 5 windows of 2.
        #expect(used.filter { $0 == 1 }.count == 10)
        #expect(Array(used.prefix(6)) == [2, 2, 2, 2, 2, 1])
    }

    @Test func switchesToOneThreadWhenThatIsFasterAndBackWhenItIsNot() {
        let tuner = ThreadCountTuner(maximum: 2, trialEvery: 4)
        run(tuner, windows: 30, seconds: { $0 == 2 ? 1.6 : 1.0 })
        #expect(tuner.chosen == 1 && tuner.switches == 1)
        // The trials now try 2 threads, which lose while the slow placement lasts ...
        let used = run(tuner, windows: 30, seconds: { $0 == 2 ? 1.6 : 1.0 })
        #expect(tuner.chosen == 1 && used.contains(2))
        // ... and win once it passes.
        run(tuner, windows: 10, seconds: { $0 == 2 ? 0.75 : 1.0 })
        #expect(tuner.chosen == 2 && tuner.switches == 2)
    }

    @Test func aTrialWithinFivePercentDoesNotSwitch() {
        let tuner = ThreadCountTuner(maximum: 4, trialEvery: 3)
        run(tuner, windows: 40, seconds: { $0 == 4 ? 1.0 : 0.96 })
        #expect(tuner.chosen == 4 && tuner.switches == 0)
    }

    @Test func twoMarkedlySlowerWindowsBringATrialForward() {
        let tuner = ThreadCountTuner(maximum: 2, trialEvery: 20)
        run(tuner, windows: 5, seconds: { _ in 1.0 })
        // The CPUs move apart: two threads take 1.6 s a window, one thread still 1.0 s.
        let far = run(tuner, windows: 8, seconds: { $0 == 2 ? 1.6 : 1.0 })
        #expect(Array(far.prefix(4)) == [2, 2, 1, 1] && tuner.chosen == 1 && tuner.switches == 1)
        // One thread tries two every fifth window, and returns once they are faster again.
        let near = run(tuner, windows: 6, seconds: { $0 == 2 ? 0.7 : 1.0 })
        #expect(near.contains(2) && tuner.chosen == 2 && tuner.switches == 2)
    }

    @Test func oneSlowWindowBringsNoTrial() {
        let tuner = ThreadCountTuner(maximum: 2, trialEvery: 20)
        run(tuner, windows: 5, seconds: { _ in 1.0 })
        tuner.windowFinished(seconds: 5.0)                 // one window disturbed by something else
        #expect(tuner.current == 2)
        let used = run(tuner, windows: 10, seconds: { _ in 1.0 })
        #expect(used.allSatisfy { $0 == 2 } && tuner.switches == 0)
    }

    @Test func aSlowdownThatOneThreadDoesNotBeatBecomesTheReference() {
        // A machine busy with other work: both choices slow down alike.
        let tuner = ThreadCountTuner(maximum: 2, trialEvery: 20)
        run(tuner, windows: 10, seconds: { _ in 1.0 })
        let used = run(tuner, windows: 12, seconds: { $0 == 2 ? 1.5 : 1.6 })
        // One trial, lost; afterwards 1.5 s is what two threads take, not a slowdown.
        #expect(used.filter { $0 == 1 }.count == 1 && tuner.chosen == 2)
    }

    @Test func aTunerWithoutThreadsStopsWithItsName() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ThreadCountTuner(maximum: 0)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("ThreadCountTuner:"), "\(message)")
    }

    @Test func workExcludedFromAWindowMovesItsStartOn() {
        let tuner = ThreadCountTuner(maximum: 2)
        tuner.begin()
        defer { tuner.end() }
        let start = tuner.windowStart
        let result = tuner.excluding { () -> Int in
            Thread.sleep(forTimeInterval: 0.05)
            return 7
        }
        #expect(result == 7)
        #expect(start.duration(to: tuner.windowStart) >= .milliseconds(50))
    }

}
