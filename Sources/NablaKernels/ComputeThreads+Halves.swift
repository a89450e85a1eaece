extension ComputeThreads {
    /// An array of `count` elements made in two halves at once, each written in place: element
    /// `i` of the first half is `first(i)`, of the second `second(i)`, each half in index order.
    /// With one compute thread, or fewer than `minimumCount` elements, `first` makes them all.
    ///
    /// Built into one buffer of its final size, so the array takes no more memory while it is
    /// made than when it is done (what a sampler's cache of a million samples needs).
    @inlinable
    public static func arrayInHalves<Element>(
        count: Int, minimumCount: Int = 1 << 16, first: (Int) -> Element, second: (Int) -> Element
    ) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            if ComputeThreads.count < 2 || count < minimumCount {
                for i in 0..<count { (base + i).initialize(to: first(i)) }
            } else {
                let half = count / 2
                _ = both({ for i in 0..<half { (base + i).initialize(to: first(i)) } },
                         { for i in half..<count { (base + i).initialize(to: second(i)) } })
            }
            initialized = count
        }
    }
}
