import Nabla

/// What a backward pass did, node by node and op by op, ready to be stepped through: every
/// tensor of the graph with a summary of its value and gradient, the order the ops ran forward,
/// and the order `backward()` ran their derivatives with each one's rule.
///
/// Node ids are those of ``ComputationGraph/capture(_:)`` (DOT nodes `n<id>`). Capture a trace
/// after `backward()`, having called ``ComputationGraph/retainGradients(of:)`` before it so that
/// every op keeps its gradient:
///
/// ```swift
/// ComputationGraph.retainGradients(of: loss)
/// loss.backward()
/// let trace = BackpropagationTrace(of: loss)
/// trace.backward[0].rule  // the rule of the last op, the first derivative to run
/// ```
///
/// ``backpropagating(_:)`` runs `backward()` itself and also records the gradient each op sent
/// to each of its inputs.
public struct BackpropagationTrace: Sendable, Equatable, Codable {
    /// One tensor of the graph.
    public struct Node: Sendable, Equatable, Codable {
        /// Its id in the captured graph.
        public let id: Int
        /// `input`, `parameter`, `op` or `output`.
        public let kind: String
        /// The op that made it, or `nil` for a leaf.
        public let op: String?
        /// Its name, if it has one.
        public let name: String?
        /// Its shape.
        public let shape: [Int]
        /// The text of its node in the drawing.
        public let label: String
        /// A summary of its value.
        public let value: TensorSummary
        /// A summary of its gradient, or `nil` if it has none.
        public let gradient: TensorSummary?
        /// The ids of the tensors it was computed from, in order.
        public let inputs: [Int]
        /// The index of the backward step after which its gradient is complete (the last of its
        /// readers' steps), `-1` for the output (its gradient is the seed), `nil` if it gets none.
        public let gradientCompleteAfterStep: Int?
    }

    /// One derivative run by `backward()`.
    public struct Step: Sendable, Equatable, Codable {
        /// The id of the op's node.
        public let node: Int
        /// The op's name.
        public let op: String
        /// Its derivative rule, `op: rule` (see ``DerivativeRules``).
        public let rule: String
        /// For each of its inputs, in order, the gradient this derivative sent to it (`nil` for
        /// none); `nil` when the trace was read after `backward()` rather than recorded by
        /// ``BackpropagationTrace/backpropagating(_:)``.
        public let sent: [TensorSummary?]?
    }

    /// Every tensor, by id.
    public let nodes: [Node]
    /// The ids of the op nodes in the order they ran (a topological order).
    public let forward: [Int]
    /// The derivatives in the order `backward()` ran them: the reverse of ``forward``.
    public let backward: [Step]

    /// The trace of `output`'s graph, read after `output.backward()`.
    public init<Scalar>(of output: Tensor<Scalar>) {
        self.init(of: output, sent: [:])
    }

    /// Keeps the gradient of every op of `output`'s graph, runs `output.backward()` (`output`
    /// has one element), and returns the trace with the gradient each op sent to each input.
    public static func backpropagating<Scalar>(_ output: Tensor<Scalar>) -> BackpropagationTrace {
        ComputationGraph.retainGradients(of: output)
        var sent: [ObjectIdentifier: [TensorSummary?]] = [:]
        output.backward { tensor, inputGradients in
            sent[ObjectIdentifier(tensor)] = zip(tensor.record!.inputs, inputGradients).map { input, gradient in
                input.requiresGrad ? gradient.map { TensorSummary(of: $0.dense) } : nil
            }
        }
        return BackpropagationTrace(of: output, sent: sent)
    }

    /// The trace of `output`'s graph with the gradients each op sent, by the op's tensor.
    private init<Scalar>(of output: Tensor<Scalar>, sent: [ObjectIdentifier: [TensorSummary?]]) {
        let tensors = output.graphTensors()
        var ids: [ObjectIdentifier: Int] = [:]
        for (id, tensor) in tensors.enumerated() { ids[ObjectIdentifier(tensor)] = id }
        let graph = ComputationGraph.capture(output)
        // `backward()` walks the tensors that need a gradient in reverse topological order and
        // runs the derivative of each op among them.
        forward = tensors.indices.filter { tensors[$0].record != nil && tensors[$0].requiresGrad }
        backward = forward.reversed().map { id in
            let op = tensors[id].record!.op
            return Step(node: id, op: op, rule: DerivativeRules.rule(for: op) ?? "\(op): no rule recorded",
                        sent: sent.isEmpty ? nil : sent[ObjectIdentifier(tensors[id])])
        }
        var lastReaderStep: [Int: Int] = [:]
        for (index, step) in backward.enumerated() {
            for input in tensors[step.node].record!.inputs where input.requiresGrad {
                lastReaderStep[ids[ObjectIdentifier(input)]!] = index
            }
        }
        nodes = tensors.enumerated().map { id, tensor in
            let inputs = (tensor.record?.inputs ?? []).map { ids[ObjectIdentifier($0)]! }
            return Node(id: id, kind: graph.nodes[id].kind.rawValue, op: tensor.record?.op, name: tensor.name,
                        shape: tensor.shape, label: graph.nodes[id].label, value: TensorSummary(of: tensor),
                        gradient: tensor.grad.map { TensorSummary(of: $0) }, inputs: inputs,
                        gradientCompleteAfterStep: tensor === output ? -1 : lastReaderStep[id])
        }
    }
}
