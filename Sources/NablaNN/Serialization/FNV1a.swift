/// The 64-bit FNV-1a hash, fed piece by piece: a fingerprint that any accidental change to the
/// bytes changes (not a protection against a deliberate forgery). It seals model files,
/// tuning journals and the content digest of session data.
///
/// ```swift
/// var hash = FNV1a()
/// hash.add("item-7")
/// hash.add(Int64(42))
/// print(hash.hex)   // 16 hex digits
/// ```
package struct FNV1a {
    /// The hash of everything added so far.
    package private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// A hash of nothing yet.
    package init() {}

    /// Adds `bytes`.
    package mutating func add(_ bytes: [UInt8]) {
        mix(bytes)
    }

    /// Adds the UTF-8 bytes of `text` and a 0 byte after them, so that `"ab" + "c"` and
    /// `"a" + "bc"` differ.
    package mutating func add(_ text: String) {
        mix(text.utf8)
        mix(CollectionOfOne(UInt8(0)))
    }

    /// Adds the eight bytes of `integer`, least significant first.
    package mutating func add(_ integer: Int64) {
        var bits = UInt64(bitPattern: integer)
        for _ in 0..<8 {
            value = (value ^ (bits & 0xff)) &* 0x100_0000_01b3
            bits >>= 8
        }
    }

    /// The hash as 16 lowercase hex digits.
    package var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Folds `bytes` into the hash; generic only inside this module, where every use is specialised.
    private mutating func mix<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }
}
