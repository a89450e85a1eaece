import COpenBLAS
import Dispatch
import Synchronization

/// How many threads Nabla computes with: OpenBLAS's matrix products and Nabla's own
/// row-parallel loops (sparse optimizer updates, fused losses, ranking).
///
/// It starts at 1. For the small products of a recurrent network (a 32 × 100 batch) extra BLAS
/// threads cost more in hand-offs than they save, so set it explicitly and measure.
public enum ComputeThreads {
    private static let stored = Atomic<Int>(1)

    /// The current number of threads.
    public static var count: Int { stored.load(ordering: .relaxed) }

    /// Makes Nabla and OpenBLAS use `count` threads (at least 1).
    public static func set(_ count: Int) {
        let threads = Swift.max(1, count)
        stored.store(threads, ordering: .relaxed)
        blasThreads.store(1, ordering: .relaxed)
        openblas_set_num_threads(1)
    }

    /// Products smaller than this many multiply-adds run on one BLAS thread: handing a small
    /// product to a second thread costs more than it saves (measured on GRU4Rec's shapes).
    public static let parallelProductThreshold = 50_000_000

    private static let blasThreads = Atomic<Int>(1)

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
        withoutActuallyEscaping(body) { body in
            let shared = SendableBox(body)
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                shared.value(part * count / threads ..< (part + 1) * count / threads)
            }
        }
    }
}

/// Carries a value into concurrent code that only uses it in ways that do not race.
private struct SendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
