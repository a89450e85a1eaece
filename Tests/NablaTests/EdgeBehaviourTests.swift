import Nabla
import Testing

/// At the edges (NaN, ±∞, 0, empty axes) the ops behave as PyTorch does, or stop with a named
/// misuse error where PyTorch raises one. Each expected value is PyTorch's.
@Suite struct EdgeBehaviourTests {
    @Test func maxPropagatesNaNWhereverItStands() {
        for values: [Double] in [[1, .nan, 3], [.nan, 1, 3], [1, 3, .nan]] {
            let x = Tensor<Double>(values, requiresGrad: true)
            let y = x.max(axes: [0])
            #expect(y.item.isNaN, "max of \(values)")
            y.backward()
            // torch.max(x, 0) returns the NaN and its index; the gradient goes there.
            #expect(x.grad!.scalars == values.map { $0.isNaN ? 1 : 0 }, "\(values)")
        }
        let rows = Tensor<Double>([1, 2, .nan, 4, 5, 6], shape: [2, 3]).max(axes: [1])
        #expect(rows.scalars[0].isNaN && rows.scalars[1] == 6)
    }

    @Test func maxOverAnEmptyAxisIsANamedMisuse() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [3, 0]).max(axes: [1])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("max: axis 1 of [3, 0] has size 0: an empty slice has no maximum"))
    }

    @Test func logSumExpOverAnEmptyAxisIsMinusInfinity() {
        let y = Tensor<Double>(zeros: [2, 0]).logSumExp(axes: [1])
        #expect(y.shape == [2] && y.scalars == [-.infinity, -.infinity])
    }

    @Test func theZerothPowerHasGradientZeroEvenAtZero() {
        let x = Tensor<Double>([0, 2, -3], requiresGrad: true)
        x.pow(0).sum().backward()
        #expect(x.grad!.scalars == [0, 0, 0])
        let base = Tensor<Double>([0, 2], requiresGrad: true), exponent = Tensor<Double>([0, 1], requiresGrad: true)
        base.pow(exponent).sum().backward()
        #expect(base.grad!.scalars == [0, 1])
        // The exponent's gradient at base 0 is 0 for an exponent ≥ 0, as in PyTorch (not 0 · log 0).
        #expect(exponent.grad!.scalars[0] == 0)
        #expect(exponent.grad!.scalars[1] == 2 * Double.log(2))
    }

    @Test func maskedGradientsAreSelectedNotMultiplied() {
        // relu(x).sqrt(): sqrt's gradient at 0 is +∞; relu passes nothing back where x ≤ 0.
        let x = Tensor<Double>([-1, 0, 4], requiresGrad: true)
        x.relu().sqrt().sum().backward()
        #expect(x.grad!.scalars == [0, 0, 0.25])
        // At a NaN input the gradient passes, as PyTorch's `x ≤ 0 ? 0 : g` lets it.
        let nan = Tensor<Double>([.nan], requiresGrad: true)
        nan.relu().sum().backward()
        #expect(nan.grad!.scalars == [1])
        // elu at +∞ has slope 1.
        let big = Tensor<Double>([.infinity, -1], requiresGrad: true)
        big.elu().sum().backward()
        #expect(big.grad!.scalars[0] == 1)
        #expect(abs(big.grad!.scalars[1] - Double.exp(-1)) < 1e-15)
        // where: the branch not taken receives 0, even where the gradient is infinite (sqrt at 0).
        let a = Tensor<Double>([0, 4], requiresGrad: true), b = Tensor<Double>([0, 1], requiresGrad: true)
        Tensor.where(Tensor<Double>([0, 1]), a, b).sqrt().sum().backward()
        #expect(a.grad!.scalars == [0, 0.25])
        #expect(b.grad!.scalars == [.infinity, 0])
    }

    @Test func theDenominatorsGradientDividesTwiceInsteadOfSquaring() {
        let a = Tensor<Double>([1e-200], requiresGrad: true), b = Tensor<Double>([1e-200], requiresGrad: true)
        (a / b).sum().backward()
        #expect(a.grad!.scalars == [1e200])
        #expect(b.grad!.scalars == [-1e200])          // −g·a/b² would be −∞
        let c = Tensor<Double>([3], requiresGrad: true), d = Tensor<Double>([4], requiresGrad: true)
        (c / d).sum().backward()
        #expect(d.grad!.scalars == [-3.0 / 16])
    }
}
