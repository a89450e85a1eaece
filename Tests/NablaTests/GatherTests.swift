import Nabla
import NablaTestSupport
import Testing

/// Row gather (embedding lookup) with its row-sparse gradient, and the diagonal.
@Suite struct GatherTests {
    @Test func gatherPicksRowsWithRepeats() {
        let table = Tensor<Double>.arange(0, 8).reshaped([4, 2])
        expectTensor(table.gather(rows: [3, 0, 3]), shape: [3, 2], [6, 7, 0, 1, 6, 7])
    }

    @Test func gatherGradientIsRowSparseWithDuplicatesKept() {
        let table = Tensor<Double>(zeros: [5, 2], requiresGrad: true)
        let picked = table.gather(rows: [4, 1, 4])
        (picked * Tensor(rows: [[1, 2], [3, 4], [5, 6]])).sum().backward()
        guard case .rowSparse(let sparse)? = table.gradient else {
            Issue.record("expected a row-sparse gradient, got \(String(describing: table.gradient))")
            return
        }
        #expect(sparse.rowIndices == [4, 1, 4])
        #expect(sparse.values == [1, 2, 3, 4, 5, 6])
        let merged = sparse.coalesced()
        #expect(merged.rowIndices == [1, 4])
        #expect(merged.values == [3, 4, 6, 8])
        expectTensor(table.grad!, shape: [5, 2], [0, 0, 3, 4, 0, 0, 0, 0, 6, 8])
    }

    @Test func sparseGradientsAccumulateAcrossUses() {
        let table = Tensor<Double>(zeros: [3, 1], requiresGrad: true)
        (table.gather(rows: [0]).sum() + table.gather(rows: [2, 0]).sum()).backward()
        guard case .rowSparse(let sparse)? = table.gradient else {
            Issue.record("expected a row-sparse gradient")
            return
        }
        #expect(sparse.coalesced().rowIndices == [0, 2])
        expectTensor(table.grad!, shape: [3, 1], [2, 0, 1])
    }

    @Test func twoUsesKeepTheirRowsInTheOrderTheGradientsArrived() {
        let table = Tensor<Double>(zeros: [4, 2], requiresGrad: true)
        let first = table.gather(rows: [3, 1]), second = table.gather(rows: [1])
        ((first * Tensor(rows: [[1, 2], [3, 4]])).sum() + (second * Tensor(rows: [[10, 20]])).sum()).backward()
        guard case .rowSparse(let sparse)? = table.gradient else {
            Issue.record("expected a row-sparse gradient")
            return
        }
        // The backward pass reaches the second lookup first: its rows come first.
        #expect(sparse.rowIndices == [1, 3, 1])
        #expect(sparse.values == [10, 20, 1, 2, 3, 4])
        #expect(sparse.valuesAreFinite)
        let merged = sparse.coalesced()
        #expect(merged.rowIndices == [1, 3])
        #expect(merged.values == [13, 24, 1, 2])
    }

    @Test func aNonFiniteRowInAnyUseMakesTheGradientNonFinite() {
        let table = Tensor<Double>(zeros: [3, 1], requiresGrad: true)
        (table.gather(rows: [0]).sum() + (table.gather(rows: [2]) * .infinity).sum()).backward()
        guard case .rowSparse(let sparse)? = table.gradient else {
            Issue.record("expected a row-sparse gradient")
            return
        }
        #expect(!sparse.valuesAreFinite)
    }

    @Test func coalescingFindsSumsThatOverflowAndIsDoneOnce() {
        let table = Tensor<Float>(zeros: [3, 1], requiresGrad: true)
        (table.gather(rows: [1, 1]) * Tensor([3e38, 3e38], shape: [2, 1])).sum().backward()
        guard case .rowSparse(let raw)? = table.gradient else {
            Issue.record("expected a row-sparse gradient")
            return
        }
        #expect(raw.valuesAreFinite)                 // each row is finite
        table.coalesceGradient()
        guard case .rowSparse(let merged)? = table.gradient else {
            Issue.record("coalescing keeps the gradient row-sparse")
            return
        }
        #expect(merged.rowIndices == [1] && merged.values == [.infinity])
        #expect(!merged.valuesAreFinite)             // their sum is not
        let again = merged.coalesced()
        #expect(again.rowIndices == [1] && again.values == [.infinity] && !again.valuesAreFinite)
    }

    @Test func sparseAndDenseGradientsAddUp() {
        let table = Tensor<Double>(zeros: [3, 1], requiresGrad: true)
        (table.gather(rows: [1]).sum() + (table * 2).sum()).backward()
        expectTensor(table.grad!, shape: [3, 1], [2, 3, 2])
    }

    @Test func gatherGradientMatchesFiniteDifferences() {
        let table = randomInput([6, 3], seed: 71)
        expectGradientsMatch([table]) { $0[0].gather(rows: [5, 0, 5, 2]).tanh() }
    }

    @Test func diagonalValuesAndGradient() {
        let m = Tensor<Double>.arange(0, 6).reshaped([2, 3])
        expectTensor(m.diagonal(), shape: [2], [0, 4])
        let x = randomInput([3, 3], seed: 72), wide = randomInput([2, 4], seed: 73)
        expectGradientsMatch([x]) { $0[0].diagonal() }
        expectGradientsMatch([wide]) { $0[0].diagonal() }
    }

    @Test func theGradientDocumentationExampleDoesWhatItSays() throws {
        let table = Tensor<Double>([1, 2, 3, 4, 5, 6], shape: [3, 2], requiresGrad: true)
        table.gather(rows: [2, 0, 2]).sum().backward()
        guard case .rowSparse(let sparse)? = table.gradient else {
            Issue.record("a gather's gradient is row-sparse")
            return
        }
        #expect(sparse.coalesced().rowIndices == [0, 2])
        #expect(table.grad!.scalars == [1, 1, 0, 0, 2, 2])
    }
}
