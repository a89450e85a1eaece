/// The items a model knows: each user item id (a string) and its row in the item matrices.
///
/// Ids are told apart byte for byte (see `ExactID`): `café` in NFC and in NFD are two items.
public struct ItemMap: Sendable, Equatable {
    /// The user's item ids, by row.
    public private(set) var ids: [String] = []
    private var rows: [ExactID: Int] = [:]

    /// An empty map.
    public init() {}

    /// A map of `ids` in order; ids must be unique.
    public init(ids: [String]) throws {
        for id in ids {
            if rows[ExactID(id)] != nil { throw DataError(file: "item map", "item id '\(id)' appears twice") }
            rows[ExactID(id)] = self.ids.count
            self.ids.append(id)
        }
    }

    /// The number of items.
    public var count: Int { ids.count }

    /// The row of `id`, or `nil` for an unknown item.
    public func row(of id: String) -> Int? { rows[ExactID(id)] }

    /// The row of `id`, adding it at the end if it is new.
    mutating func insert(_ id: String) -> Int {
        if let row = rows[ExactID(id)] { return row }
        rows[ExactID(id)] = ids.count
        ids.append(id)
        return ids.count - 1
    }

    /// Whether both maps hold the same ids, byte for byte, in the same order.
    public static func == (lhs: ItemMap, rhs: ItemMap) -> Bool {
        lhs.ids.count == rhs.ids.count && zip(lhs.ids, rhs.ids).allSatisfy { ExactID($0) == ExactID($1) }
    }
}
