import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The threads behind ``ComputeThreads/forEachRange(_:minimumPerThread:_:)``: workers that stay
/// awake between parallel loops, so handing out work costs about a microsecond.
///
/// A training step runs a handful of short parallel loops (a few hundred microseconds each) with
/// serial work in between. Waking a sleeping thread for each costs tens of microseconds, so a
/// worker spins for a while after finishing (about 2 ms) and only then sleeps on a semaphore.
/// Spinning threads yield their core after a few hundred spins, so that on a machine busy with
/// other work the thread they wait for can run. The calling thread always does the first part
/// itself.
///
/// One loop runs at a time: a loop started while another is running (from another thread, or
/// nested inside a part) runs serially on its caller instead of waiting.
final class WorkerPool: @unchecked Sendable {
    /// A worker: its wake-up semaphore and whether it sleeps on it.
    private final class Worker: Sendable {
        let wakeUp = DispatchSemaphore(value: 0)
        let sleeping = Atomic<Bool>(false)
    }

    private let workers: [Worker]
    /// The current loop as `number << 8 | parts`, published with release ordering; workers watch
    /// it. Packing the part count in means a worker never reads it from shared memory.
    private let loop = Atomic<Int>(0)
    /// Workers still running their part of the current loop.
    private let unfinished = Atomic<Int>(0)
    /// Whether a loop is running.
    private let busy = Atomic<Bool>(false)
    /// Set once by ``shutDown()``: workers leave.
    private let stopped = Atomic<Bool>(false)
    /// The current loop's body; written before `loop` is published and read only by the workers
    /// that have a part, which the caller waits for before touching it again.
    private var body: ((Int) -> Void)?

    /// How long a worker spins for new work before it sleeps.
    private static let spinDuration = Duration.milliseconds(2)
    /// Spins after which a waiting thread yields its core on every further spin: when the
    /// machine has more busy threads than cores, the thread being waited for may need it.
    private static let spinsBeforeYielding = 256
    /// The most threads a loop can use (the part count must fit in 8 bits).
    static let maximumThreads = 255

    /// A pool with `workerCount` threads besides the caller's.
    init(workerCount: Int) {
        workers = (0..<Swift.min(workerCount, Self.maximumThreads - 1)).map { _ in Worker() }
        for (index, worker) in workers.enumerated() {
            let queue = DispatchQueue(label: "nabla.compute.\(index + 1)")
            queue.async { [self] in work(worker, part: index + 1) }
        }
    }

    /// The number of threads a loop can use: the workers and the caller.
    var threadCount: Int { workers.count + 1 }

    /// Runs `body(part)` for `part` in `0..<parts` (at most ``threadCount``), part 0 on the
    /// calling thread, and returns when all are done. Returns `false`, having run nothing, when
    /// another loop is running.
    func run(parts: Int, _ body: (Int) -> Void) -> Bool {
        precondition(parts >= 1 && parts <= threadCount)
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        withoutActuallyEscaping(body) { body in
            self.body = body
            unfinished.store(parts - 1, ordering: .relaxed)
            let number = (loop.load(ordering: .relaxed) >> 8) &+ 1
            loop.store(number << 8 | parts, ordering: .sequentiallyConsistent)
            for worker in workers.prefix(parts - 1) where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                worker.wakeUp.signal()
            }
            body(0)
            var spins = 0
            while unfinished.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins > Self.spinsBeforeYielding { sched_yield() }
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
        loop.add(1 << 8, ordering: .sequentiallyConsistent)
        for worker in workers where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
            worker.wakeUp.signal()
        }
    }

    /// A worker's life: wait for the next loop, run its part if the loop has one, repeat.
    private func work(_ worker: Worker, part: Int) {
        var seen = 0
        while true {
            seen = waitForNextLoop(after: seen, worker: worker)
            if stopped.load(ordering: .acquiring) { return }
            guard part < seen & 0xFF else { continue }
            runPart(part)
            unfinished.subtract(1, ordering: .releasing)
        }
    }

    /// Runs one part, holding the body only for the call: the caller's `withoutActuallyEscaping`
    /// checks that nothing holds it once all parts are done.
    @inline(never)
    private func runPart(_ part: Int) {
        body?(part)
    }

    /// Spins until `loop` moves past `seen` and returns it, sleeping when that takes long.
    private func waitForNextLoop(after seen: Int, worker: Worker) -> Int {
        var spins = 0
        var deadline = ContinuousClock.now + Self.spinDuration
        while true {
            let current = loop.load(ordering: .acquiring)
            if current != seen { return current }
            spins += 1
            if spins > Self.spinsBeforeYielding { sched_yield() }
            guard spins % 1024 == 0, ContinuousClock.now > deadline else { continue }
            // Announce the sleep, then look once more: a loop started in between either sees
            // `sleeping` and signals, or is seen here.
            worker.sleeping.store(true, ordering: .sequentiallyConsistent)
            if loop.load(ordering: .sequentiallyConsistent) != seen,
               worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                continue
            }
            // Either nothing new yet, or a starter cleared `sleeping` and signals: wait for it.
            worker.wakeUp.wait()
            deadline = ContinuousClock.now + Self.spinDuration
        }
    }
}
