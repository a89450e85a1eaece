import NablaNN

extension SessionData {
    /// A fingerprint of the data as read: 16 hex digits that change when any item id, any event's
    /// item, any session boundary or session id, or the order of sessions (their times) changes.
    ///
    /// The path and the event count of a file say little about its content: the same file with
    /// two item ids swapped has both unchanged. The digest is FNV-1a over the item ids by row,
    /// then each event's row, session after session, then each session's id and length, in the
    /// order training visits them (by the time of their first event). Times themselves are not
    /// kept once the sessions are ordered, so a change of time that keeps the order keeps the
    /// digest; what the model would be trained on does not change either.
    ///
    /// ```swift
    /// let data = try SessionData.training(events, source: "train.tsv")
    /// settings["training_data"] = "train.tsv, digest \(data.contentDigest())"
    /// ```
    public func contentDigest() -> String {
        var hash = FNV1a()
        hash.add(Int64(itemMap.count))
        for id in itemMap.ids { hash.add(id) }
        hash.add(Int64(items.count))
        for item in items { hash.add(Int64(item)) }
        hash.add(Int64(sessionCount))
        for session in 0..<sessionCount {
            hash.add(sessionIDs[session])
            hash.add(Int64(sessionStarts[session + 1] - sessionStarts[session]))
        }
        return hash.hex
    }
}
