/// Which operand of a broadcast repeats, and how.
public enum Repeating: Sendable {
    /// The right operand is one row, repeated under every row of `width`.
    case rightRow(width: Int)
    /// The left operand is one row, repeated under every row of `width`.
    case leftRow(width: Int)
    /// Each element of the right operand is repeated along a run of `run` elements.
    case rightElement(run: Int)
    /// Each element of the left operand is repeated along a run of `run` elements.
    case leftElement(run: Int)

    /// Whether the left operand is the one that repeats.
    @inlinable
    var isLeft: Bool {
        switch self {
        case .leftRow, .leftElement: true
        case .rightRow, .rightElement: false
        }
    }

    /// How many values the repeating operand holds for a result of `count` values.
    @inlinable
    func repeatedCount(in count: Int) -> Int {
        switch self {
        case .rightRow(let width), .leftRow(let width): width
        case .rightElement(let run), .leftElement(let run): count / run
        }
    }
}

/// Writes `combine(left, right)` into `result` for a broadcast in which one operand repeats:
/// the loops of `Tensor`'s broadcasting fast paths, on raw buffers so that nothing is checked or
/// copied per element.
///
/// `result` holds the full broadcast shape, as does the operand that does not repeat; the
/// repeating one holds one row of `width`, or one element per run of `run`.
@inlinable
public func combineRepeating<Scalar>(
    _ left: [Scalar], _ right: [Scalar], into result: inout [Scalar], repeating: Repeating, _ combine: (Scalar, Scalar) -> Scalar
) {
    let count = result.count
    let (full, repeated) = repeating.isLeft ? (right.count, left.count) : (left.count, right.count)
    if full != count || count > 0 && repeated != repeating.repeatedCount(in: count) {
        kernelMisuse("combineRepeating", "operands of \(left.count) and \(right.count) do not fit a result of \(count) \(repeating)")
    }
    result.withUnsafeMutableBufferPointer { out in
        left.withUnsafeBufferPointer { l in
            right.withUnsafeBufferPointer { r in
                switch repeating {
                case .rightRow(let width):
                    for start in stride(from: 0, to: count, by: width) {
                        for j in 0..<width { out[start + j] = combine(l[start + j], r[j]) }
                    }
                case .leftRow(let width):
                    for start in stride(from: 0, to: count, by: width) {
                        for j in 0..<width { out[start + j] = combine(l[j], r[start + j]) }
                    }
                case .rightElement(let run):
                    for block in 0..<(count / run) {
                        let value = r[block], start = block * run
                        for j in 0..<run { out[start + j] = combine(l[start + j], value) }
                    }
                case .leftElement(let run):
                    for block in 0..<(count / run) {
                        let value = l[block], start = block * run
                        for j in 0..<run { out[start + j] = combine(value, r[start + j]) }
                    }
                }
            }
        }
    }
}
