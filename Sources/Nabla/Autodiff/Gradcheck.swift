/// The outcome of ``gradcheck(_:tolerance:step:_:)``: the worst-matching gradient element.
public struct GradcheckResult: CustomStringConvertible, Sendable {
    /// Whether every element's analytic and numeric derivatives agree within the tolerance.
    public let passed: Bool
    /// Which input (by position in the array passed to `gradcheck`) holds the worst element.
    public let inputIndex: Int
    /// The worst element's multi-dimensional index in that input.
    public let elementIndex: [Int]
    /// The derivative `backward()` computed.
    public let analytic: Double
    /// The derivative estimated by central differences.
    public let numeric: Double
    /// `|analytic − numeric| / max(|analytic|, |numeric|, 1)`: relative for large values, absolute
    /// for small ones, so that near-zero derivatives do not produce huge ratios from rounding noise.
    public let relativeError: Double
    /// How many elements were checked, over all inputs.
    public let checkedElements: Int

    /// A one-line report, e.g.
    /// `gradcheck failed: input 1, element [2, 0]: analytic 0.5, numeric 0.25, relative error 0.25`.
    public var description: String {
        let verdict = passed ? "passed" : "failed"
        return "gradcheck \(verdict) (\(checkedElements) elements): worst is input \(inputIndex), element "
            + "\(describeShape(elementIndex)): analytic \(analytic), numeric \(numeric), relative error \(relativeError)"
    }
}

/// Checks `function`'s gradients against finite differences, in `Double`.
///
/// For every element `xᵢ` of every input that requires a gradient, the derivative is estimated
/// by central differences, `(f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h`, and compared with what
/// `backward()` computed. A function with a non-scalar result is first reduced to
/// `Σ f(x) ⊙ w` with fixed pseudo-random weights `w`, which checks the whole vector–Jacobian
/// product without building the Jacobian.
///
/// ```swift
/// let x = Tensor<Double>([0.5, -1.0, 2.0], requiresGrad: true)
/// let result = gradcheck([x]) { inputs in inputs[0].tanh() * inputs[0] }
/// #expect(result.passed, "\(result)")
/// ```
///
/// - Parameters:
///   - inputs: the tensors to differentiate with respect to (those with `requiresGrad`).
///   - tolerance: the largest acceptable ``GradcheckResult/relativeError``.
///   - step: the finite-difference step `h`.
///   - function: computes the result from the inputs; called many times, so it must be pure.
/// - Returns: the worst element over all inputs, with whether the check passed.
public func gradcheck(
    _ inputs: [Tensor<Double>], tolerance: Double = 1e-6, step: Double = 1e-6,
    _ function: ([Tensor<Double>]) -> Tensor<Double>
) -> GradcheckResult {
    let probe = withNoGrad { function(inputs) }
    var generator = SeededRandomGenerator(seed: 0x6772_6164)
    let weights = Tensor<Double>.uniform(probe.shape, in: 0.5..<1.5, using: &generator)
    func objective(_ inputs: [Tensor<Double>]) -> Tensor<Double> {
        probe.count == 1 ? function(inputs).sum() : (function(inputs) * weights).sum()
    }

    for input in inputs { input.zeroGrad() }
    let output = objective(inputs)
    if output.requiresGrad { output.backward() }
    let analytic = inputs.map { $0.grad?.storage ?? [Double](repeating: 0, count: $0.count) }

    var worst = GradcheckResult(passed: true, inputIndex: 0, elementIndex: [], analytic: 0, numeric: 0,
                                relativeError: 0, checkedElements: 0)
    var checked = 0
    for (inputIndex, input) in inputs.enumerated() where input.requiresGrad {
        for element in 0..<input.count {
            let original = input.storage[element]
            input.storage[element] = original + step
            let plus = withNoGrad { objective(inputs).item }
            input.storage[element] = original - step
            let minus = withNoGrad { objective(inputs).item }
            input.storage[element] = original
            let numeric = (plus - minus) / (2 * step)
            let exact = analytic[inputIndex][element]
            let error = abs(exact - numeric) / Swift.max(abs(exact), abs(numeric), 1)
            checked += 1
            if checked == 1 || !(error <= worst.relativeError) && !worst.relativeError.isNaN {
                worst = GradcheckResult(
                    passed: true, inputIndex: inputIndex, elementIndex: unflatten(element, shape: input.shape),
                    analytic: exact, numeric: numeric, relativeError: error, checkedElements: 0)
            }
        }
    }
    for input in inputs { input.zeroGrad() }
    return GradcheckResult(
        passed: worst.relativeError <= tolerance, inputIndex: worst.inputIndex, elementIndex: worst.elementIndex,
        analytic: worst.analytic, numeric: worst.numeric, relativeError: worst.relativeError,
        checkedElements: checked)
}

/// The multi-dimensional index of flat position `flat` in a tensor of `shape`.
private func unflatten(_ flat: Int, shape: [Int]) -> [Int] {
    var remainder = flat
    return Shape.strides(shape).map { stride in
        defer { remainder %= stride }
        return remainder / stride
    }
}
