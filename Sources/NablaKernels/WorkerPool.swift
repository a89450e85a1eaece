import CNablaKernels
import Dispatch
import Synchronization

/// The threads behind ``ComputeThreads/forEachRange(_:minimumPerThread:_:)``: workers that stay
/// awake between parallel loops, so handing out work costs about a microsecond.
///
/// A training step runs several short parallel loops (tens to hundreds of microseconds each)
/// with serial work in between. Waking a sleeping thread costs tens of microseconds, so a worker
/// that finishes spins on the CPU's pause hint for a while (``spinDuration``) and only then
/// sleeps on a semaphore. Spinning makes no system call: the waiting costs user time only.
///
/// The parts of a loop are claimed from a shared counter, the calling thread first. When the
/// caller has finished its own part it claims the parts no worker has started yet, so a worker
/// that is asleep, or has lost its core to another process, delays nothing: the caller runs its
/// part instead. The caller waits only for parts already running, spinning briefly and then
/// sleeping until the last one ends.
///
/// One loop runs at a time: a loop started while another is running (from another thread, or
/// nested inside a part) runs serially on its caller instead of waiting.
final class WorkerPool: @unchecked Sendable {
    /// A thread that can sleep: its wake-up semaphore and whether it sleeps on it.
    private final class Sleeper: Sendable {
        let wakeUp = DispatchSemaphore(value: 0)
        let sleeping = Atomic<Bool>(false)

        /// Wakes the thread if it sleeps or is about to.
        func wake() {
            if sleeping.exchange(false, ordering: .sequentiallyConsistent) { wakeUp.signal() }
        }

        /// Spins until `ready()` holds, for at most `duration`, then sleeps until ``wake()``
        /// is called and looks again.
        func wait(for duration: Duration, until ready: () -> Bool) {
            while true {
                let deadline = ContinuousClock.now + duration
                var spins = 0
                while !ready() {
                    nabla_cpu_relax()
                    spins += 1
                    if spins % 256 == 0, ContinuousClock.now > deadline { break }
                }
                if ready() { return }
                // Announce the sleep, then look once more: whoever makes `ready()` true either
                // sees `sleeping` and signals, or is seen here.
                sleeping.store(true, ordering: .sequentiallyConsistent)
                if ready(), sleeping.exchange(false, ordering: .sequentiallyConsistent) { return }
                // Either not ready yet, or a waker cleared `sleeping` and signals: wait for it.
                wakeUp.wait()
            }
        }
    }

    private let workers: [Sleeper]
    /// The caller, while it waits for the last running parts.
    private let caller = Sleeper()
    /// The current loop as `number << 16 | parts << 8 | next part to claim`, published with
    /// release ordering; workers watch it and claim parts by advancing it. The loop number in it
    /// means a worker can never claim a part of a loop it did not see start.
    private let loop = Atomic<Int>(0)
    /// Parts of the current loop finished so far.
    private let finished = Atomic<Int>(0)
    /// Whether a loop is running.
    private let busy = Atomic<Bool>(false)
    /// Set once by ``shutDown()``: workers leave.
    private let stopped = Atomic<Bool>(false)
    /// The current loop's body; written before `loop` is published and read only by threads that
    /// claimed one of its parts, which the caller waits for before touching it again.
    private var body: ((Int) -> Void)?

    /// How long a worker spins for new work before it sleeps.
    static let spinDuration = Duration.milliseconds(2)
    /// How long the caller spins for the parts still running before it sleeps.
    static let callerSpinDuration = Duration.microseconds(200)
    /// The most threads a loop can use.
    static let maximumThreads = 255
    /// The most parts a loop can have (the part count must fit in 8 bits).
    static let maximumParts = 255

    /// A pool with `workerCount` threads besides the caller's.
    init(workerCount: Int) {
        workers = (0..<Swift.min(workerCount, Self.maximumThreads - 1)).map { _ in Sleeper() }
        for (index, worker) in workers.enumerated() {
            let queue = DispatchQueue(label: "nabla.compute.\(index + 1)")
            queue.async { [self] in work(worker) }
        }
    }

    /// The number of threads a loop can use: the workers and the caller.
    var threadCount: Int { workers.count + 1 }

    /// Runs `body(part)` for `part` in `0..<parts` (at most ``maximumParts``) and returns when
    /// all are done. The caller runs part 0; then every thread claims the next unclaimed part
    /// until none is left, so with more parts than threads the faster threads run more of them.
    /// Returns `false`, having run nothing, when another loop is running.
    func run(parts: Int, _ body: (Int) -> Void) -> Bool {
        precondition(parts >= 1 && parts <= Self.maximumParts)
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        withoutActuallyEscaping(body) { body in
            self.body = body
            finished.store(0, ordering: .relaxed)
            let number = (loop.load(ordering: .relaxed) >> 16) &+ 1
            // Part 0 is the caller's: the next part to claim is 1.
            loop.store(number << 16 | parts << 8 | 1, ordering: .sequentiallyConsistent)
            for worker in workers.prefix(Swift.min(parts - 1, workers.count)) { worker.wake() }
            body(0)
            var done = 1
            while let part = claimPart(of: number) {
                body(part)
                done += 1
            }
            if finished.add(done, ordering: .acquiringAndReleasing).newValue != parts {
                caller.wait(for: Self.callerSpinDuration) { finished.load(ordering: .acquiring) == parts }
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    /// Lets the workers finish: each leaves once it sees the flag (waking if asleep).
    ///
    /// Waits for a running loop to end first; loops asked for afterwards run serially.
    func shutDown() {
        while !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {}
        stopped.store(true, ordering: .sequentiallyConsistent)
        loop.add(1 << 16, ordering: .sequentiallyConsistent)
        for worker in workers { worker.wake() }
    }

    /// Claims the next unclaimed part of loop `number`, or returns `nil` when all are claimed
    /// (or another loop has started).
    private func claimPart(of number: Int) -> Int? {
        var current = loop.load(ordering: .acquiring)
        while current >> 16 == number && current & 0xFF < (current >> 8) & 0xFF {
            let (exchanged, original) = loop.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return current & 0xFF }
            current = original
        }
        return nil
    }

    /// A worker's life: wait for the next loop, claim and run its parts, repeat.
    private func work(_ worker: Sleeper) {
        var seen = 0
        while true {
            worker.wait(for: Self.spinDuration) { loop.load(ordering: .acquiring) >> 16 != seen }
            if stopped.load(ordering: .acquiring) { return }
            let current = loop.load(ordering: .acquiring)
            let number = current >> 16, parts = (current >> 8) & 0xFF
            seen = number
            var done = 0
            while let part = claimPart(of: number) {
                runPart(part)
                done += 1
            }
            // The thread that finishes the loop's last part wakes the caller if it sleeps.
            if done > 0, finished.add(done, ordering: .acquiringAndReleasing).newValue == parts {
                caller.wake()
            }
        }
    }

    /// Runs one part, holding the body only for the call: the caller's `withoutActuallyEscaping`
    /// checks that nothing holds it once all parts are done.
    @inline(never)
    private func runPart(_ part: Int) {
        body?(part)
    }
}
