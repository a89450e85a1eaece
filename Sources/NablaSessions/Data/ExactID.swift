/// An id (of an item or a session) as a dictionary key that is equal to another only when their
/// UTF-8 bytes are.
///
/// Swift's `String` compares and hashes by canonical equivalence, so `café` with a precomposed
/// `é` (NFC) and `café` with `e` and a combining accent (NFD) would be one key: two items of a
/// file, or two sessions, merged silently. Ids are opaque labels, and are told apart byte for
/// byte. The key holds the string itself, so it takes no more memory than the string as a key.
struct ExactID: Hashable, Sendable {
    /// The id.
    let text: String

    /// The key of `text`.
    init(_ text: String) {
        self.text = text
    }

    /// Whether both ids have the same bytes.
    static func == (lhs: ExactID, rhs: ExactID) -> Bool {
        lhs.text.utf8.count == rhs.text.utf8.count && lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }

    /// Hashes the bytes, eight at a time, and their count.
    func hash(into hasher: inout Hasher) {
        var word: UInt64 = 0
        var shift: UInt64 = 0
        for byte in text.utf8 {
            word |= UInt64(byte) << shift
            shift += 8
            if shift == 64 {
                hasher.combine(word)
                word = 0
                shift = 0
            }
        }
        hasher.combine(word)
        hasher.combine(text.utf8.count)
    }
}
