import Nabla

/// A stack of GRU cells: layer `i` reads the hidden state of layer `i − 1`, any number of layers
/// of any sizes (e.g. `[200, 100]`).
///
/// ``step(_:_:time:)`` advances every layer by one time step. ``unrolled(_:initialState:)`` runs a
/// sequence and tags each step's ops with the scope `layerK.tT`, so a drawing shows one cluster
/// per layer and time step.
public final class GRU<Scalar: TensorScalar>: Module {
    /// The cells, first layer first.
    public let layers: [GRUCell<Scalar>]
    /// Whether in training mode.
    public var isTraining = true

    /// A stack of cells with the given hidden sizes.
    public init(
        inputSize: Int, hiddenSizes: [Int], formulation: GRUFormulation = .pytorch,
        implementation: GRUImplementation = .fused, using generator: inout SeededRandomGenerator
    ) {
        if hiddenSizes.isEmpty || hiddenSizes.contains(where: { $0 <= 0 }) {
            misuse("GRU", "needs at least one layer, each of positive size; got \(hiddenSizes)")
        }
        var layers: [GRUCell<Scalar>] = []
        var size = inputSize
        for hidden in hiddenSizes {
            layers.append(GRUCell(inputSize: size, hiddenSize: hidden, formulation: formulation,
                                  implementation: implementation, using: &generator))
            size = hidden
        }
        self.layers = layers
        labelParameters()
    }

    /// The cells, named `layer0`, `layer1`, ...
    public var submodules: [(name: String, module: any Module<Scalar>)] {
        layers.enumerated().map { ("layer\($0.offset)", $0.element) }
    }

    /// The hidden sizes of the layers.
    public var hiddenSizes: [Int] { layers.map(\.hiddenSize) }

    /// Switches every cell between the composed and the fused implementation.
    public var implementation: GRUImplementation {
        get { layers[0].implementation }
        set { for layer in layers { layer.implementation = newValue } }
    }

    /// Zero states for a batch, one per layer, named `initial state (layer K)` for drawings.
    public func zeroState(batchSize: Int) -> [Tensor<Scalar>] {
        layers.enumerated().map { index, layer in
            let state = Tensor<Scalar>(zeros: [batchSize, layer.hiddenSize])
            state.name = "initial state (layer \(index))"
            return state
        }
    }

    /// One time step through every layer: returns the new states; the last is the output.
    ///
    /// Each layer's ops are tagged with the scope `layerK`, or `layerK.tT` when `time` is given.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func step(_ x: Tensor<Scalar>, _ states: [Tensor<Scalar>], time: Int? = nil) -> [Tensor<Scalar>] {
        if states.count != layers.count {
            misuse("GRU.step", "\(states.count) states for \(layers.count) layers")
        }
        var input = x
        var newStates: [Tensor<Scalar>] = []
        for (index, (layer, state)) in zip(layers, states).enumerated() {
            let scope = time.map { "layer\(index).t\($0)" } ?? "layer\(index)"
            input = withScope(scope) { layer(input, state) }
            newStates.append(input)
        }
        return newStates
    }

    /// Runs a sequence of inputs from `initialState` (zeros by default), each layer's step tagged
    /// with the scope `layerK.tT`; returns the top layer's output at every step and the final states.
    public func unrolled(
        _ inputs: [Tensor<Scalar>], initialState: [Tensor<Scalar>]? = nil
    ) -> (outputs: [Tensor<Scalar>], finalState: [Tensor<Scalar>]) {
        guard let first = inputs.first else { return ([], initialState ?? []) }
        var states = initialState ?? zeroState(batchSize: first.shape[0])
        var outputs: [Tensor<Scalar>] = []
        for (t, x) in inputs.enumerated() {
            states = step(x, states, time: t)
            outputs.append(states[states.count - 1])
        }
        return (outputs, states)
    }
}
