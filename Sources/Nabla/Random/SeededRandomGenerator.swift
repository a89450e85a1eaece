/// A fast, seedable random number generator (xoshiro256**) that gives the same numbers on every
/// machine.
///
/// The seed is expanded into the 256-bit state with SplitMix64, as the algorithm's authors
/// recommend. Floating-point draws are built from integer bits and IEEE-754 basic operations
/// only, so runs are reproducible bit for bit across platforms.
///
/// ```swift
/// var generator = SeededRandomGenerator(seed: 42)
/// let weights = Tensor<Float>.uniform([3, 4], in: -0.1..<0.1, using: &generator)
/// ```
public struct SeededRandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    // Inlinable, with the state visible to inlined code, so that drawing from another module is a
    // few instructions rather than a call.
    @usableFromInline var s0, s1, s2, s3: UInt64

    /// The four state words; save them to resume the exact same sequence later.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// A generator whose state is derived from `seed` by SplitMix64.
    public init(seed: UInt64) {
        var splitMix = seed
        s0 = Self.splitMix64(&splitMix)
        s1 = Self.splitMix64(&splitMix)
        s2 = Self.splitMix64(&splitMix)
        s3 = Self.splitMix64(&splitMix)
    }

    /// A generator that continues from a saved ``state``.
    public init(state: [UInt64]) {
        if state.count != 4 || state.allSatisfy({ $0 == 0 }) {
            misuse("SeededRandomGenerator", "the state must be four words, not all zero")
        }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// The next 64 random bits (xoshiro256**).
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let shifted = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// A double drawn uniformly from `[0, 1)` with 53 random bits.
    @inlinable
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A draw from the standard normal distribution (Marsaglia's polar method).
    public mutating func nextStandardNormal() -> Double {
        while true {
            let u = 2 * nextUnitInterval() - 1
            let v = 2 * nextUnitInterval() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * portableLog(s) / s).squareRoot()
            }
        }
    }

    /// A uniformly drawn integer in `0..<upperBound`, without modulo bias (Lemire's method).
    public mutating func nextInt(below upperBound: Int) -> Int {
        if upperBound <= 0 { misuse("nextInt(below:)", "upper bound must be positive, got \(upperBound)") }
        return Int(next(upperBound: UInt64(upperBound)))
    }

    @inlinable @inline(__always)
    func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// One step of SplitMix64, used to spread a 64-bit seed over the whole state.
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The natural logarithm of a positive finite `x`, from IEEE-754 basic operations only.
///
/// The C library's `log` may differ in the last bit between platforms; this one does not, which
/// keeps normal draws identical everywhere. `x = m · 2^e` with `m` in `[√½, √2)`, then
/// `log m = 2 atanh((m − 1)/(m + 1))` summed as a series; accurate to about one ulp.
func portableLog(_ x: Double) -> Double {
    var mantissa = x.significand
    var exponent = Double(x.exponent)
    if mantissa > 1.4142135623730951 {
        mantissa /= 2
        exponent += 1
    }
    let s = (mantissa - 1) / (mantissa + 1)
    let s2 = s * s
    var power = s
    var series = s
    for denominator in stride(from: 3.0, through: 45.0, by: 2.0) {
        power *= s2
        series += power / denominator
    }
    return 2 * series + exponent * 0.693147180559945309417232121458
}
