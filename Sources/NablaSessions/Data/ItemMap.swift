/// The items a model knows: each user item id (a string) and its row in the item matrices.
public struct ItemMap: Sendable, Equatable {
    /// The user's item ids, by row.
    public private(set) var ids: [String] = []
    private var rows: [String: Int] = [:]

    /// An empty map.
    public init() {}

    /// A map of `ids` in order; ids must be unique.
    public init(ids: [String]) throws {
        for id in ids {
            if rows[id] != nil { throw DataError(file: "item map", "item id '\(id)' appears twice") }
            rows[id] = self.ids.count
            self.ids.append(id)
        }
    }

    /// The number of items.
    public var count: Int { ids.count }

    /// The row of `id`, or `nil` for an unknown item.
    public func row(of id: String) -> Int? { rows[id] }

    /// The row of `id`, adding it at the end if it is new.
    mutating func insert(_ id: String) -> Int {
        if let row = rows[id] { return row }
        rows[id] = ids.count
        ids.append(id)
        return ids.count - 1
    }
}
