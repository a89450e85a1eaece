import Foundation

/// A snapshot of a recorded computation graph: what was computed from what, ready to draw.
///
/// Made by ``capture(_:)`` from any tensor; capturing reads the records the core keeps and never
/// changes them, and works before or after `backward()`.
public struct ComputationGraph: Sendable, Equatable {
    /// What a node stands for.
    public enum NodeKind: String, Sendable, CaseIterable {
        /// A leaf that needs no gradient: data, constants.
        case input
        /// A leaf that requires a gradient: a trainable weight.
        case parameter
        /// A tensor produced by an op.
        case op
        /// The tensor the graph was captured from.
        case output
    }

    /// One tensor of the graph.
    public struct Node: Sendable, Equatable {
        /// A number unique in the graph; inputs have smaller ids than the ops that read them.
        public let id: Int
        /// Input, parameter, op or output.
        public let kind: NodeKind
        /// The op that produced the tensor (`"matmul"`), or `nil` for a leaf.
        public let op: String?
        /// The op's arguments worth showing (`"axes: [1]"`), or empty.
        public let details: String
        /// The tensor's name, such as `"gru.layer0.weightIH"`.
        public let name: String?
        /// The tensor's shape.
        public let shape: [Int]
        /// The scope the op ran in (`"layer0.t3.r"`), or `nil`.
        public let scope: String?
        /// The L2 norm of the tensor's gradient, or `nil` if it has none.
        public let gradientNorm: Double?
        /// The value of a one-element leaf (a constant such as the `2` in `x * 2`), else `nil`.
        public let value: Double?
        /// How many `backward()` passes added into the gradient (more than 1: it is their sum).
        public var backwardPasses: Int = 0

        /// The text drawn in the node: the op or the name, then the shape. A constant of one
        /// element is drawn as its value alone (the `1` of `1 − z`); an input is drawn by its role
        /// when it has a name (`dropout mask`, `h₀ layer 0`).
        public var label: String {
            let title: String
            switch kind {
            case .op, .output: title = details.isEmpty ? op ?? "?" : "\(op ?? "?") (\(details))"
            case .parameter: title = name ?? "parameter"
            case .input:
                if name == nil, let value, shape.isEmpty { return formatConstant(value) }
                title = name ?? value.map(formatConstant) ?? "input"
            }
            return "\(title)\n[\(shape.map(String.init).joined(separator: ", "))]"
        }
    }

    /// An input feeding an op: the gradient flows the other way.
    public struct Edge: Sendable, Equatable {
        /// The id of the tensor read.
        public let from: Int
        /// The id of the tensor computed from it.
        public let to: Int

        /// An edge from the tensor `from` to the tensor `to` computed from it.
        public init(from: Int, to: Int) {
            self.from = from
            self.to = to
        }
    }

    /// Every tensor, in an order where inputs come before the ops reading them.
    public internal(set) var nodes: [Node]
    /// Every input-to-op connection, in the order the ops read them.
    public internal(set) var edges: [Edge]
    /// For each time-step scope kept by ``collapsingRepeatedSteps()`` to stand for several
    /// identical steps, how many it stands for.
    public internal(set) var repeatCounts: [String: Int] = [:]
    /// For each time-step scope kept by ``collapsingRepeatedSteps()``, the gradient norm of the
    /// state (the step's last op) of every step it stands for, earliest first: the fade through
    /// time stays visible when only one step is drawn.
    public internal(set) var stepGradientNorms: [String: [Double?]] = [:]

    /// Whether any node carries a gradient, i.e. whether `backward()` has run.
    public var hasGradients: Bool { nodes.contains { $0.gradientNorm != nil } }
}

/// A constant printed with at most four significant digits: `2`, `0.1996`, `1e-06`.
func formatConstant(_ value: Double) -> String {
    if value == value.rounded() && abs(value) < 1e6 { return String(Int(value)) }
    return String(format: "%.4g", value)
}
