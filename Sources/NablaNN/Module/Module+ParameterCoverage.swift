import Nabla

/// A loss was computed from a tensor that requires a gradient but is not among the module's
/// parameters: the optimizer would never update it, and no file would save it.
public struct UnlistedParameterError: Error, CustomStringConvertible, Sendable {
    /// Which tensors, where the module holds them, and what to list.
    public let message: String
    /// The message.
    public var description: String { message }
}

extension Module {
    /// Checks that every tensor `loss` was computed from that requires a gradient is one of this
    /// module's ``parameters``.
    ///
    /// A module lists its parameters by hand (``localParameters``, ``submodules``), and those
    /// names are what optimizers update and files store. A layer left out of ``submodules`` still
    /// computes, so the model runs, but its weights are never trained and never saved. This
    /// check walks the graph of `loss` back to its leaves once and refuses such a tensor by the
    /// stored property that holds it, e.g. `'cell2.weightIH' [64, 64] requires a gradient and
    /// reaches the loss, but is not among LSTMRecommender's parameters: list 'cell2' in the
    /// submodules of LSTMRecommender`. Call it on the first step's loss of a training loop
    /// (`SessionTrainer` does); it costs one walk of one graph.
    ///
    /// - Throws: ``UnlistedParameterError`` naming every such tensor.
    public func checkParameters(cover loss: Tensor<Scalar>) throws {
        let listed = Set(parameters.map(ObjectIdentifier.init))
        var unlisted: [(tensor: Tensor<Scalar>, readBy: String)] = []
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(loss)]
        var pending = [loss]
        while let tensor = pending.popLast() {
            guard let record = tensor.record else { continue }
            for input in record.inputs where input.requiresGrad && seen.insert(ObjectIdentifier(input)).inserted {
                if input.isLeaf {
                    if !listed.contains(ObjectIdentifier(input)) { unlisted.append((input, record.op)) }
                } else {
                    pending.append(input)
                }
            }
        }
        guard !unlisted.isEmpty else { return }
        throw UnlistedParameterError(message: unlisted.map { describeUnlisted($0.tensor, readBy: $0.readBy) }.joined(separator: "; "))
    }

    /// Where the module holds `tensor` and what to list so that it becomes a parameter; the
    /// tensor's shape and the op that read it when no stored property holds it.
    private func describeUnlisted(_ tensor: Tensor<Scalar>, readBy op: String) -> String {
        let owner = String(describing: type(of: self))
        let problem = "requires a gradient and reaches the loss, but is not among \(owner)'s parameters"
        guard let path = PropertyPath.find(tensor, in: self) else {
            let name = tensor.name.map { "'\($0)' " } ?? ""
            return "a tensor \(name)\(tensor.shape) read by '\(op)' \(problem): list it in localParameters of the module "
                + "that holds it, and that module in submodules"
        }
        let listedModules = Set(allModules().map { ObjectIdentifier($0) })
        // The first module on the path that no one lists is the one to add; if every one is
        // listed, the module holding the tensor left it out of its own parameters.
        var holder = owner
        for (index, step) in path.steps.enumerated() where type(of: step.value) is AnyClass {
            guard let module = step.value as? any Module else { continue }
            if !listedModules.contains(ObjectIdentifier(module)) {
                return "'\(path.text)' \(tensor.shape) \(problem): list '\(path.text(upTo: index))' in the submodules of \(holder)"
            }
            holder = String(describing: type(of: module))
        }
        return "'\(path.text)' \(tensor.shape) \(problem): list '\(path.steps.last!.label)' in the localParameters of \(holder)"
    }

    /// This module and every module under it through ``submodules``.
    private func allModules() -> [any Module] {
        var modules: [any Module] = [self]
        var index = 0
        while index < modules.count {
            modules += modules[index].submoduleList
            index += 1
        }
        return modules
    }
}

extension Module {
    /// The submodules as values of `any Module`, for walking a tree of modules of unknown scalar type.
    fileprivate var submoduleList: [any Module] { submodules.map { $0.module } }
}
