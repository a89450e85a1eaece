/// `count` and `noun`, the noun in the plural unless the count is one: `1 session`, `2 sessions`.
package func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
