import Nabla
import NablaTestSupport
import Testing

/// The backward pass: fan-out, deep graphs, retained graphs and gradients, detach, no-grad.
@Suite struct BackwardTests {
    @Test func aValueUsedTwiceAccumulatesBothPaths() {
        let x = Tensor<Double>(scalar: 3, requiresGrad: true)
        let y = x * x + x        // dy/dx = 2x + 1
        y.backward()
        #expect(x.grad!.item == 7)
    }

    @Test func diamondGraphCountsEveryPathOnce() {
        let x = Tensor<Double>(scalar: 2, requiresGrad: true)
        let a = x * 3, b = x.exp()
        let z = a * b + a       // dz/dx = 3eˣ + 3x eˣ + 3
        z.backward()
        let e = 2.0.exponential
        #expect(abs(x.grad!.item - (3 * e + 6 * e + 3)) < 1e-12)
        expectGradientsMatch([randomInput([3], seed: 91)]) { inputs in
            let a = inputs[0] * 3, b = inputs[0].exp()
            return a * b + a
        }
    }

    @Test func tenThousandStepChainDoesNotRecurse() {
        let x = Tensor<Double>(scalar: 1, requiresGrad: true)
        var h = x
        for _ in 0..<10_000 { h = h * 1.0001 + 0 }
        h.backward()
        #expect(abs(x.grad!.item - 1.0001.power(10_000)) < 1e-9)
    }

    @Test func gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        let x = Tensor<Double>([1, 2], requiresGrad: true)
        (x * 2).sum().backward()
        (x * 2).sum().backward()
        #expect(x.grad!.scalars == [4, 4])
        x.zeroGrad()
        #expect(x.grad == nil)
    }

    @Test func retainGraphAllowsASecondBackward() {
        let x = Tensor<Double>(scalar: 2, requiresGrad: true)
        let y = x * x
        y.backward(retainGraph: true)
        y.backward()
        #expect(x.grad!.item == 8)
        #expect(y.record!.isFreed)
    }

    @Test func intermediatesKeepGradientsOnlyWhenAsked() {
        let x = Tensor<Double>([1, 2], requiresGrad: true)
        let hidden = x * 3, other = x * 4
        hidden.retainGrad()
        (hidden * other).sum().backward()
        #expect(hidden.grad!.scalars == [4, 8])
        #expect(other.grad == nil)
    }

    @Test func seedGradientForNonScalarOutputs() {
        let x = Tensor<Double>([1, 2, 3], requiresGrad: true)
        (x * x).backward(Tensor([1, 0, 2]))
        #expect(x.grad!.scalars == [2, 0, 12])
    }

    @Test func detachStopsGradients() {
        let x = Tensor<Double>(scalar: 3, requiresGrad: true)
        let y = x * x.detached()
        y.backward()
        #expect(x.grad!.item == 3)
        #expect(!x.detached().requiresGrad)
    }

    @Test func noGradScopeRecordsNothing() {
        let x = Tensor<Double>([1, 2], requiresGrad: true)
        let y = withNoGrad { (x * 2).exp() }
        #expect(!y.requiresGrad)
        #expect(y.record == nil)
        #expect(GradMode.isEnabled)
        let z = x * 2
        #expect(z.requiresGrad && z.record?.op == "mul")
    }

    @Test func noGradScopeIsTaskLocal() async {
        let x = Tensor<Double>([1], requiresGrad: true)
        await withNoGrad {
            await Task.yield()
            #expect(!GradMode.isEnabled)
            #expect(!(x * 2).requiresGrad)
        }
        #expect(GradMode.isEnabled)
    }

    @Test func recordsKeepOpNamesAndInputsAfterBackward() {
        let w = Tensor<Double>(rows: [[1, 2]], requiresGrad: true)
        w.name = "dense.weight"
        let y = matmul(w, Tensor(rows: [[1], [1]])).tanh().sum()
        y.backward()
        #expect(y.record?.op == "sum")
        #expect(y.record?.inputs.first?.record?.op == "tanh")
        #expect(y.record?.inputs.first?.record?.inputs.first?.record?.inputs.first?.name == "dense.weight")
    }

    @Test func scopesTagTheOpsCreatedInside() {
        let x = Tensor<Double>([1], requiresGrad: true)
        let y = withScope("gru") { withScope("layer0") { x * 2 } }
        #expect(y.scope == "gru.layer0")
        #expect((x * 2).scope == nil)
    }

    @Test func leavesWithoutGradientAreSkipped() {
        let x = Tensor<Double>([1, 2], requiresGrad: true), constant = Tensor<Double>([5, 6])
        (x * constant).sum().backward()
        #expect(constant.grad == nil)
        #expect(x.grad!.scalars == [5, 6])
    }
}

private extension Double {
    var exponential: Double { Double.exp(self) }
    func power(_ n: Int) -> Double { Double.pow(self, n) }
}
