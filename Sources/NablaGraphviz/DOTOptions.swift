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

    /// The direction of flow; a graph with time steps is drawn bottom to top while
    /// ``arrangeTimeSteps`` is on.
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
    /// Draw the time steps of a recurrent graph (scopes such as `layer1.t3`) in a fixed grid: time
    /// left to right, layers bottom to top, each step's state named (`h¹₃`, or the tensor's
    /// ``ComputationGraph/Node/name``) and the edges that carry it marked input (solid) or
    /// recurrent (dashed). Inputs are then at the bottom, the output at the top, whatever
    /// ``direction`` says.
    public var arrangeTimeSteps = true
    /// Colour parameters by gradient norm too (with ``showGradients``); otherwise they stay blue
    /// and only print their norm.
    public var colorParameters = false
    /// The range of norms the gradient colours span, to share one scale between drawings; `nil`
    /// fits the range to the graph. Either way the colour bar of the legend prints it.
    public var gradientScale: GradientScale?
    /// Scopes drawn as one named box rather than as their ops, matched by any part of a scope's
    /// path (`"loss"` closes `loss` and `step 1.loss`). Remove a name to open its box.
    public var closedScopes: Set<String> = ["loss"]

    /// The defaults: top to bottom, no gradients, every step, with a legend; time steps in a
    /// grid, parameters uncoloured, a fitted logarithmic gradient scale, losses closed.
    public init(direction: Direction = .topToBottom, showGradients: Bool = false,
                collapseRepeatedSteps: Bool = false, showLegend: Bool = true, title: String? = nil,
                arrangeTimeSteps: Bool = true, colorParameters: Bool = false,
                gradientScale: GradientScale? = nil, closedScopes: Set<String> = ["loss"]) {
        self.direction = direction
        self.showGradients = showGradients
        self.collapseRepeatedSteps = collapseRepeatedSteps
        self.showLegend = showLegend
        self.title = title
        self.arrangeTimeSteps = arrangeTimeSteps
        self.colorParameters = colorParameters
        self.gradientScale = gradientScale
        self.closedScopes = closedScopes
    }
}
