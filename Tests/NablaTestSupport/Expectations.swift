import Nabla
import Testing

/// Expects `actual` to equal `expected` element by element within `tolerance`.
public func expectClose<Scalar: TensorScalar>(
    _ actual: [Scalar], _ expected: [Scalar], tolerance: Scalar = 1e-12,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(actual.count) values, expected \(expected.count)",
            sourceLocation: sourceLocation)
    for (index, (a, e)) in zip(actual, expected).enumerated() where !(abs(a - e) <= tolerance) {
        Issue.record("element \(index): \(a), expected \(e) (tolerance \(tolerance))", sourceLocation: sourceLocation)
        return
    }
}

/// Expects a tensor's shape and values.
public func expectTensor<Scalar: TensorScalar>(
    _ tensor: Tensor<Scalar>, shape: [Int], _ expected: [Scalar], tolerance: Scalar = 1e-12,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(tensor.shape == shape, sourceLocation: sourceLocation)
    expectClose(tensor.scalars, expected, tolerance: tolerance, sourceLocation: sourceLocation)
}

/// Expects `function`'s gradients with respect to `inputs` to match finite differences.
public func expectGradientsMatch(
    _ inputs: [Tensor<Double>], tolerance: Double = 1e-6,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ function: ([Tensor<Double>]) -> Tensor<Double>
) {
    let result = gradcheck(inputs, tolerance: tolerance, function)
    #expect(result.passed, "\(result)", sourceLocation: sourceLocation)
    #expect(result.checkedElements == inputs.filter(\.requiresGrad).reduce(0) { $0 + $1.count },
            sourceLocation: sourceLocation)
}

/// A tensor of `shape` with reproducible values in `range`, requiring a gradient.
public func randomInput(
    _ shape: [Int], in range: Range<Double> = -1..<1, seed: UInt64 = 1
) -> Tensor<Double> {
    var generator = SeededRandomGenerator(seed: seed)
    return Tensor<Double>.uniform(shape, in: range, using: &generator, requiresGrad: true)
}
