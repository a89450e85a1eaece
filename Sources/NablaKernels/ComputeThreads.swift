import COpenBLAS
import Synchronization

/// How many threads Nabla computes with: OpenBLAS's matrix products and Nabla's own
/// row-parallel loops (sparse optimizer updates, fused losses, ranking).
///
/// It starts at 1, OpenBLAS included: OpenBLAS starts with a thread per core of its own, and the
/// first matrix product tells it to use one, unless ``set(_:)`` was called before. For the small
/// products of a recurrent network (a 32 × 100 batch) extra BLAS threads cost more in hand-offs
/// than they save, so set it explicitly and measure.
public enum ComputeThreads {
    private static let stored = Atomic<Int>(1)

    /// The current number of threads.
    public static var count: Int { stored.load(ordering: .relaxed) }

    /// Makes Nabla and OpenBLAS use `count` threads (at least 1).
    ///
    /// With more than one, Nabla keeps `count − 1` worker threads (a worker pool) that wait
    /// for parallel loops, spinning briefly between them.
    public static func set(_ count: Int) {
        let threads = Swift.min(Swift.max(1, count), WorkerPool.maximumThreads)
        pool.withLock { current in
            guard (current?.threadCount ?? 1) != threads else { return }
            current?.shutDown()
            current = threads > 1 ? WorkerPool(workerCount: threads - 1) : nil
        }
        stored.store(threads, ordering: .relaxed)
        blasThreads.store(1, ordering: .relaxed)
        openblas_set_num_threads(1)
    }

    /// The CPU core type OpenBLAS chose its kernels for (`Haswell`, `SkylakeX`, `Cooperlake`, ...):
    /// the same product runs at different speeds under different kernels.
    public static var blasCoreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// The worker threads, when ``count`` is above 1.
    private static let pool = Mutex<WorkerPool?>(nil)

    /// Products smaller than this many multiply-adds run on one BLAS thread: handing a small
    /// product to a second thread costs more than it saves (measured on GRU4Rec's shapes).
    public static let parallelProductThreshold = 50_000_000

    /// The thread count OpenBLAS was last told, 0 before it was told any: the first product then
    /// sets it, so that OpenBLAS's own default never applies.
    private static let blasThreads = Atomic<Int>(0)

    /// The number of threads OpenBLAS computes with now, as OpenBLAS reports it.
    public static var blasThreadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets OpenBLAS's thread count for a product of `multiplyAdds` multiply-adds.
    static func prepareBLAS(multiplyAdds: Int) {
        let wanted = multiplyAdds >= parallelProductThreshold ? count : 1
        if blasThreads.exchange(wanted, ordering: .relaxed) != wanted {
            openblas_set_num_threads(Int32(wanted))
        }
    }

    /// Runs `body` over `0..<count` split into contiguous ranges, one per thread, when there is
    /// at least `minimumPerThread` work per thread; otherwise runs it once over the whole range.
    ///
    /// `body` must only write to disjoint places for disjoint ranges.
    public static func forEachRange(_ count: Int, minimumPerThread: Int = 1, _ body: (Range<Int>) -> Void) {
        let threads = Swift.min(self.count, count / Swift.max(minimumPerThread, 1))
        guard threads > 1 else {
            body(0..<count)
            return
        }
        let workers = pool.withLock { $0 }
        guard let workers, workers.threadCount >= threads else {
            body(0..<count)
            return
        }
        let ran = workers.run(parts: threads) { part in
            body(part * count / threads ..< (part + 1) * count / threads)
        }
        if !ran { body(0..<count) }
    }

    /// Runs `body(part)` for every `part` in `0..<parts`, the parts shared out between the
    /// compute threads as they become free: the calling thread starts with part 0, and each
    /// thread takes the next part not yet taken, so a thread that is held up runs fewer of them.
    /// With one thread, more than 255 parts, or inside another parallel loop, they run in order
    /// on the caller.
    ///
    /// `body` must only write to disjoint places for different parts. For work whose parts
    /// differ in cost, or when one thread may be slower than the other.
    public static func forEachPart(_ parts: Int, _ body: (Int) -> Void) {
        guard parts > 1, count > 1, parts <= WorkerPool.maximumParts, let workers = pool.withLock({ $0 }),
              workers.run(parts: parts, body) else {
            for part in 0..<parts { body(part) }
            return
        }
    }

    /// Runs `first` and `second` at the same time when there are at least two compute threads
    /// (one after the other otherwise) and returns both results: for two independent products.
    public static func both<First, Second>(_ first: () -> First, _ second: () -> Second) -> (First, Second) {
        var firstResult: First?, secondResult: Second?
        withUnsafeMutablePointer(to: &firstResult) { firstPlace in
            withUnsafeMutablePointer(to: &secondResult) { secondPlace in
                forEachRange(2) { parts in
                    for part in parts {
                        if part == 0 { firstPlace.pointee = first() } else { secondPlace.pointee = second() }
                    }
                }
            }
        }
        return (firstResult!, secondResult!)
    }
}
