import Nabla

extension ComputationGraph {
    /// Walks `output`'s recorded graph into a value, without changing it.
    ///
    /// Leaves that require a gradient become parameters, other leaves inputs; every recorded op
    /// becomes an op node. The walk is iterative, so graphs of any depth can be captured.
    public static func capture<Scalar>(_ output: Tensor<Scalar>) -> ComputationGraph {
        let order = output.graphTensors()
        var ids: [ObjectIdentifier: Int] = [:]
        var nodes: [Node] = []
        var edges: [Edge] = []
        for tensor in order {
            let id = nodes.count
            ids[ObjectIdentifier(tensor)] = id
            let kind: NodeKind = tensor === output ? .output
                : tensor.record != nil ? .op : tensor.requiresGrad ? .parameter : .input
            nodes.append(Node(id: id, kind: kind, op: tensor.record?.op, details: tensor.record?.details ?? "",
                              name: tensor.name, shape: tensor.shape, scope: tensor.scope,
                              gradientNorm: gradientNorm(of: tensor),
                              value: tensor.isLeaf && tensor.count == 1 ? Double(tensor.scalars[0]) : nil,
                              backwardPasses: tensor.gradient == nil ? 0 : tensor.backwardPasses))
            for input in tensor.record?.inputs ?? [] {
                edges.append(Edge(from: ids[ObjectIdentifier(input)]!, to: id))
            }
        }
        return ComputationGraph(nodes: nodes, edges: edges)
    }

    /// Asks every op in `output`'s graph to keep its gradient during the next `backward()`, so a
    /// drawing can colour the whole graph by gradient, not only the leaves.
    public static func retainGradients<Scalar>(of output: Tensor<Scalar>) {
        for tensor in output.graphTensors() where tensor.record != nil { tensor.retainGrad() }
    }

    /// The L2 norm of a tensor's gradient, dense or row-sparse (without densifying), if it has one.
    static func gradientNorm<Scalar>(of tensor: Tensor<Scalar>) -> Double? {
        switch tensor.gradient {
        case nil: return nil
        case .dense(let gradient)?: return euclideanNorm(gradient.scalars)
        case .rowSparse(let sparse)?: return euclideanNorm(sparse.coalesced().values)
        }
    }

    private static func euclideanNorm<Scalar: TensorScalar>(_ values: [Scalar]) -> Double {
        values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }
}
