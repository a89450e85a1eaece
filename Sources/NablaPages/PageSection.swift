/// A section of a ``SelfContainedPage``: a heading and what follows it.
public struct PageSection: Sendable {
    /// The section's heading.
    public var heading: String
    /// What the section shows, in order.
    public var blocks: [PageBlock]

    /// A section headed `heading` showing `blocks`.
    public init(heading: String, blocks: [PageBlock]) {
        self.heading = heading
        self.blocks = blocks
    }

    /// The section as HTML.
    var html: String { "<section>\n<h2>\(HTMLText.escaped(heading))</h2>\n" + blocks.map(\.html).joined() + "</section>\n" }
}
