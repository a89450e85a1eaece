extension Tensor {
    /// The gradient as a dense tensor, or `nil` if none has been computed.
    public var grad: Tensor<Scalar>? { gradient?.dense }

    /// Computes the gradient of this tensor with respect to every leaf that requires one.
    ///
    /// The graph is walked in reverse topological order, found iteratively (no recursion, so a
    /// GRU unrolled over thousands of steps is fine). Each op's backward rule maps the gradient of
    /// its output to gradients of its inputs; gradients of a tensor used several times are added
    /// up (fan-out). Leaves that require a gradient, and tensors marked with ``retainGrad()``,
    /// accumulate into ``gradient`` across calls: reset them between steps.
    ///
    /// - Parameters:
    ///   - seed: the gradient of the final result with respect to this tensor; may be omitted
    ///     for a tensor with one element, where it is 1.
    ///   - retainGraph: keep the backward rules so `backward()` can run through this graph again.
    ///     Without it the rules and the tensors they saved are released, and a second call stops
    ///     with an error instead of silently counting gradients twice.
    ///   - observer: called after each op's derivative ran, with the op's tensor and the gradient
    ///     it sends to each of its inputs (`nil` for none): what a step-by-step view shows.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func backward(_ seed: Tensor<Scalar>? = nil, retainGraph: Bool = false,
                         observer: ((Tensor<Scalar>, [Gradient<Scalar>?]) -> Void)? = nil) {
        if !requiresGrad {
            misuse("backward", "this tensor does not require a gradient: no input of its graph has requiresGrad set, or it was computed inside withNoGrad")
        }
        let start: Tensor<Scalar>
        if let seed {
            if seed.shape != shape {
                misuse("backward", "seed gradient of shape \(describeShape(seed.shape)) does not match the tensor's shape \(describeShape(shape))")
            }
            start = seed
        } else {
            if count != 1 {
                misuse("backward", "a tensor of shape \(describeShape(shape)) needs a seed gradient; only one-element tensors default to 1")
            }
            start = Tensor(ones: shape)
        }

        let order = topologicalOrder()
        var pending: [ObjectIdentifier: Gradient<Scalar>] = [ObjectIdentifier(self): .dense(start)]
        withNoGrad {
            for tensor in order.reversed() {
                guard let gradient = pending.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
                guard let record = tensor.record else {
                    tensor.accumulate(gradient)
                    continue
                }
                if tensor.retainsGrad { tensor.accumulate(gradient) }
                guard let rule = record.backward else {
                    misuse("backward", "the graph through '\(record.op)' was already freed by an earlier backward(); "
                        + "pass retainGraph: true to the first call to run backward twice")
                }
                let inputGradients = rule(gradient.dense)
                observer?(tensor, inputGradients)
                for (input, inputGradient) in zip(record.inputs, inputGradients) {
                    guard input.requiresGrad, let inputGradient else { continue }
                    let key = ObjectIdentifier(input)
                    pending[key] = pending[key].map { $0.adding(inputGradient) } ?? inputGradient
                }
            }
        }
        if !retainGraph {
            for tensor in order { tensor.record?.backward = nil }
        }
    }

    /// Asks `backward()` to keep the gradient of this intermediate (non-leaf) tensor too.
    public func retainGrad() {
        retainsGrad = true
    }

    /// Forgets the accumulated gradient.
    public func zeroGrad() {
        gradient = nil
    }

    /// Replaces a row-sparse gradient by its ``RowSparseGradient/coalesced()`` form, each row
    /// once with its values summed, so that a check of the gradient and an optimizer's update
    /// share the work. The gradient stands for the same tensor; dense gradients are left alone.
    public func coalesceGradient() {
        if case .rowSparse(let sparse)? = gradient { gradient = .rowSparse(sparse.coalesced()) }
    }

    /// A new leaf with the same values and no history: gradients stop here.
    public func detached() -> Tensor<Scalar> {
        Tensor(storage, shape: shape)
    }

    private func accumulate(_ incoming: Gradient<Scalar>) {
        backwardPasses = gradient == nil ? 1 : backwardPasses + 1
        gradient = gradient.map { $0.adding(incoming) } ?? incoming
    }

    /// Every tensor this one was computed from (constants included), each once, inputs before
    /// the ops that read them and in the order the ops read them. Drawing code walks this.
    public func graphTensors() -> [Tensor<Scalar>] {
        tensorsInputsFirst { _ in true }
    }

    /// Every tensor this one depends on through recorded ops, inputs before the ops that use them.
    func topologicalOrder() -> [Tensor<Scalar>] {
        tensorsInputsFirst { $0.requiresGrad }
    }

    /// A depth-first post-order walk with an explicit stack (no recursion, so graphs of any depth
    /// work): a tensor is expanded the first time it is popped and emitted when it is popped again,
    /// after everything it depends on. Only inputs for which `follow` holds are visited.
    private func tensorsInputsFirst(following follow: (Tensor<Scalar>) -> Bool) -> [Tensor<Scalar>] {
        var order: [Tensor<Scalar>] = []
        var expanded: Set<ObjectIdentifier> = []
        var stack: [(tensor: Tensor<Scalar>, inputsDone: Bool)] = [(self, false)]
        while let (tensor, inputsDone) = stack.popLast() {
            if inputsDone {
                order.append(tensor)
                continue
            }
            guard expanded.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for input in (tensor.record?.inputs ?? []).reversed() where follow(input)
                && !expanded.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}
