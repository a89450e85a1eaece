extension ItemMap {
    /// The rows of a session given in the user's item ids, oldest first.
    ///
    /// - Throws: ``DataError`` when the session is empty or names an item the map does not know.
    public func rows(ofSession session: [String]) throws -> [Int] {
        guard !session.isEmpty else { throw DataError(file: "session", "the session prefix is empty") }
        return try session.map { id -> Int in
            guard let row = row(of: id) else { throw DataError(file: "session", "item '\(id)' is not known to the model") }
            return row
        }
    }
}
