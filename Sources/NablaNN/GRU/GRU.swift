import Nabla

/// A stack of GRU cells: layer `i` reads the hidden state of layer `i − 1`, any number of layers
/// of any sizes (e.g. `[200, 100]`).
///
/// The first layer reads vectors or item indices (``GRUInput``). Each layer's output can pass
/// through a dropout, and the dropped-out output is the state that layer carries to the next
/// step, as in GRU4Rec. ``step(_:states:time:)`` (or ``step(items:states:time:)``) advances every
/// layer by one time step, updating the states in place;
/// ``unrolled(_:initialState:)`` runs a sequence and tags each step's ops with the scope
/// `layerK.tT`, so a drawing shows one cluster per layer and time step.
///
/// ```swift
/// var generator = SeededRandomGenerator(seed: 1)
/// let gru = GRU<Float>(input: .items(count: 1_000), hiddenSizes: [100], dropout: 0.25, using: &generator)
/// var states = gru.zeroStates(batchSize: 32)
/// let output = gru.step(items: batchOfItems, states: &states)      // [32, 100]
/// ```
public final class GRU<Scalar: TensorScalar>: Module {
    /// The cells, first layer first.
    public let layers: [GRUCell<Scalar>]
    /// The dropout after each layer, one per layer.
    public let dropouts: [Dropout<Scalar>]
    /// Whether in training mode (dropout active).
    public var isTraining = true

    /// A stack of cells with the given hidden sizes reading vectors of `inputSize`, without dropout.
    public convenience init(
        inputSize: Int, hiddenSizes: [Int], formulation: GRUFormulation = .pytorch,
        implementation: GRUImplementation = .fused, using generator: inout SeededRandomGenerator
    ) {
        self.init(input: .vectors(size: inputSize), hiddenSizes: hiddenSizes, formulation: formulation,
                  implementation: implementation, dropout: 0, using: &generator)
    }

    /// A stack of cells reading `input`, with dropout of probability `dropout` after every layer
    /// (masks drawn from a stream seeded with `dropoutSeed + layer`).
    public convenience init(
        input: GRUInput, hiddenSizes: [Int], formulation: GRUFormulation = .pytorch,
        implementation: GRUImplementation = .fused, dropout: Double = 0, dropoutSeed: UInt64 = 0,
        using generator: inout SeededRandomGenerator
    ) {
        let dropouts = hiddenSizes.indices.map { Dropout<Scalar>(probability: dropout, seed: dropoutSeed &+ UInt64($0)) }
        self.init(input: input, hiddenSizes: hiddenSizes, formulation: formulation, implementation: implementation,
                  dropouts: dropouts, using: &generator)
    }

    /// A stack of cells reading `input`, with the given dropout after each layer (one per layer).
    public init(
        input: GRUInput, hiddenSizes: [Int], formulation: GRUFormulation = .pytorch,
        implementation: GRUImplementation = .fused, dropouts: [Dropout<Scalar>], using generator: inout SeededRandomGenerator
    ) {
        if hiddenSizes.isEmpty || hiddenSizes.contains(where: { $0 <= 0 }) {
            misuse("GRU", "needs at least one layer, each of positive size; got \(hiddenSizes)")
        }
        if dropouts.count != hiddenSizes.count {
            misuse("GRU", "\(dropouts.count) dropouts for \(hiddenSizes.count) layers")
        }
        var layers: [GRUCell<Scalar>] = []
        var layerInput = input
        for hidden in hiddenSizes {
            layers.append(GRUCell(input: layerInput, hiddenSize: hidden, formulation: formulation,
                                  implementation: implementation, using: &generator))
            layerInput = .vectors(size: hidden)
        }
        self.layers = layers
        self.dropouts = dropouts
        labelParameters()
    }

    /// The cells, named `layer0`, `layer1`, ..., and the dropouts, `dropout0`, `dropout1`, ...
    public var submodules: [(name: String, module: any Module<Scalar>)] {
        layers.enumerated().map { ("layer\($0.offset)", $0.element as any Module<Scalar>) }
            + dropouts.enumerated().map { ("dropout\($0.offset)", $0.element as any Module<Scalar>) }
    }

    /// The hidden sizes of the layers.
    public var hiddenSizes: [Int] { layers.map(\.hiddenSize) }

    /// Switches every cell between the composed and the fused implementation.
    public var implementation: GRUImplementation {
        get { layers[0].implementation }
        set { for layer in layers { layer.implementation = newValue } }
    }

    /// Zero states for a batch, one per layer, named `h₀ layer K` for drawings.
    public func zeroStates(batchSize: Int) -> [Tensor<Scalar>] {
        layers.enumerated().map { index, layer in
            let state = Tensor<Scalar>(zeros: [batchSize, layer.hiddenSize])
            state.name = "h₀ layer \(index)"
            return state
        }
    }

    /// One time step through every layer from vectors `x`: returns the new states; the last is
    /// the output.
    ///
    /// Each layer's ops are tagged with the scope `layerK`, or `layerK.tT` when `time` is given
    /// (or set around the call by ``withRecurrentTime(_:_:)``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(_ x: Tensor<Scalar>, _ states: [Tensor<Scalar>], time: Int? = nil) -> [Tensor<Scalar>] {
        var newStates = states
        _ = advance(states: &newStates, time: time) { layer, state in layer(x, state) }
        return newStates
    }

    /// One time step from vectors `x`, updating `states` in place; returns the last layer's output.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(_ x: Tensor<Scalar>, states: inout [Tensor<Scalar>], time: Int? = nil) -> Tensor<Scalar> {
        advance(states: &states, time: time) { layer, state in layer(x, state) }
    }

    /// One time step from item indices (a stack whose first layer reads ``GRUInput/items(count:)``),
    /// updating `states` in place; returns the last layer's output.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(items: [Int], states: inout [Tensor<Scalar>], time: Int? = nil) -> Tensor<Scalar> {
        advance(states: &states, time: time) { layer, state in layer(items, state) }
    }

    /// One time step whose first layer is given its input already multiplied by its input
    /// weights, `x · W_ihᵀ` (`[batch, 3H]`, without the bias; for item input, an item's row of
    /// the input table), updating `states` in place; returns the last layer's output.
    ///
    /// This is the first layer's input as a vector even when it reads item indices, which is what
    /// a gradient with respect to a one-hot input needs: `onehot · W_ihᵀ` is the item's table row.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(projectedInput: Tensor<Scalar>, states: inout [Tensor<Scalar>], time: Int? = nil) -> Tensor<Scalar> {
        advance(states: &states, time: time) { layer, state in
            if projectedInput.rank != 2 || projectedInput.shape[1] != 3 * layer.hiddenSize {
                misuse("GRU.step", "projected input \(projectedInput.shape) does not fit a first layer of hidden size "
                    + "\(layer.hiddenSize): expected [batch, \(3 * layer.hiddenSize)]")
            }
            return layer.step(inputGates: projectedInput + layer.biasIH, state)
        }
    }

    /// Runs every layer once: the first through `firstLayer`, the others on the layer below's output.
    private func advance(
        states: inout [Tensor<Scalar>], time: Int?, firstLayer: (GRUCell<Scalar>, Tensor<Scalar>) -> Tensor<Scalar>
    ) -> Tensor<Scalar> {
        if states.count != layers.count {
            misuse("GRU.step", "\(states.count) states for \(layers.count) layers")
        }
        var output: Tensor<Scalar>? = nil
        let time = time ?? RecurrentTime.current
        for index in layers.indices {
            let scope = time.map { "layer\(index).t\($0)" } ?? "layer\(index)"
            let next = withScope(scope) {
                let raw = output.map { layers[index]($0, states[index]) } ?? firstLayer(layers[index], states[index])
                return dropouts[index](raw)
            }
            states[index] = next
            output = next
        }
        return output!
    }

    /// Runs a sequence of inputs from `initialState` (zeros by default), each layer's step tagged
    /// with the scope `layerK.tT`; returns the top layer's output at every step and the final states.
    public func unrolled(
        _ inputs: [Tensor<Scalar>], initialState: [Tensor<Scalar>]? = nil
    ) -> (outputs: [Tensor<Scalar>], finalState: [Tensor<Scalar>]) {
        guard let first = inputs.first else { return ([], initialState ?? []) }
        var states = initialState ?? zeroStates(batchSize: first.shape[0])
        var outputs: [Tensor<Scalar>] = []
        for (t, x) in inputs.enumerated() {
            outputs.append(step(x, states: &states, time: t))
        }
        return (outputs, states)
    }
}
