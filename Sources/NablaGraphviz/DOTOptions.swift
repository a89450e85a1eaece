/// How ``ComputationGraph/dot(_:)`` draws a graph.
public struct DOTOptions: Sendable, Equatable {
    /// Which way the graph flows, from inputs to output.
    public enum Direction: String, Sendable, CaseIterable {
        /// Inputs at the top, output at the bottom.
        case topToBottom = "TB"
        /// Inputs at the bottom, output at the top.
        case bottomToTop = "BT"
        /// Inputs on the left, output on the right.
        case leftToRight = "LR"
        /// Inputs on the right, output on the left.
        case rightToLeft = "RL"
    }

    /// The direction of flow.
    public var direction: Direction = .topToBottom
    /// Colour nodes and edges by gradient norm and print the norms. Before `backward()` the
    /// drawing says that gradients are not computed yet rather than showing zeros.
    public var showGradients = false
    /// Draw identical time steps once, marked "× N" (see
    /// ``ComputationGraph/collapsingRepeatedSteps()``).
    public var collapseRepeatedSteps = false
    /// Draw a legend of node kinds (and of the gradient colours when they are shown).
    public var showLegend = true
    /// A title above the drawing.
    public var title: String?

    /// The defaults: top to bottom, no gradients, every step, with a legend.
    public init(direction: Direction = .topToBottom, showGradients: Bool = false,
                collapseRepeatedSteps: Bool = false, showLegend: Bool = true, title: String? = nil) {
        self.direction = direction
        self.showGradients = showGradients
        self.collapseRepeatedSteps = collapseRepeatedSteps
        self.showLegend = showLegend
        self.title = title
    }
}
