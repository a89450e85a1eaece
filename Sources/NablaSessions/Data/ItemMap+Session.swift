extension ItemMap {
    /// The rows of a session given in the user's item ids, oldest first.
    ///
    /// - Throws: ``DataError`` when the session is empty or names an item the map does not know;
    ///   for an id that differs from a known one only in its Unicode form (NFC or NFD), the
    ///   message says so.
    public func rows(ofSession session: [String]) throws -> [Int] {
        guard !session.isEmpty else { throw DataError(file: "session", "the session prefix is empty") }
        return try session.map { id -> Int in
            guard let row = row(of: id) else {
                // String's == is canonical equivalence: it finds the same text written with other bytes.
                let lookalike = ids.contains { $0 == id }
                throw DataError(file: "session", "item '\(id)' is not known to the model" + (lookalike
                    ? " (it knows an item that looks the same but is written with other bytes, in another Unicode "
                        + "normalization form; item ids are compared byte for byte)" : ""))
            }
            return row
        }
    }
}
