/// Whether two arrays are one and the same storage, not merely equal: with copy-on-write, an
/// array still sharing another's storage holds that array's values, so a cache made from an
/// array stays valid while the array it keeps shares its storage with the current one.
///
/// ```swift
/// let table = weights.scalars
/// sharesStorage(table, weights.scalars)   // true until the weights are written
/// ```
public func sharesStorage<Element>(_ a: [Element], _ b: [Element]) -> Bool {
    a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress && a.count == b.count } }
}
