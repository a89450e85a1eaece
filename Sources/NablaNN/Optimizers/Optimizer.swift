import Nabla

/// Updates parameters from their gradients.
///
/// The usual loop: `model.zeroGrad()`, compute the loss, `loss.backward()`, `optimizer.step()`.
public protocol Optimizer<Scalar>: AnyObject {
    /// The element type of the parameters.
    associatedtype Scalar: TensorScalar
    /// The parameters this optimizer updates, in a fixed order.
    var parameters: [Tensor<Scalar>] { get }
    /// Applies one update to every parameter that has a gradient.
    func step()
}

/// The per-parameter buffers an optimizer keeps (momentum, accumulators), one array per
/// parameter, created as zeros.
func zeroBuffers<Scalar: TensorScalar>(for parameters: [Tensor<Scalar>]) -> [[Scalar]] {
    parameters.map { [Scalar](repeating: 0, count: $0.count) }
}
