import NablaKernels
import Testing

/// The small array faces: results by part, shared storage, and whole arrays as `Float`.
@Suite struct ArrayFacesTests {
    @Test(arguments: [1, 2])
    func resultsComeBackInTheOrderOfTheParts(threads: Int) {
        ComputeThreads.set(threads)
        defer { ComputeThreads.set(1) }
        #expect(ComputeThreads.results(100) { $0 * $0 } == (0..<100).map { $0 * $0 })
        #expect(ComputeThreads.results(0) { $0 }.isEmpty)
    }

    @Test func anArraySharesStorageWithItsCopiesUntilOneIsWritten() {
        let values: [Float] = [1, 2, 3]
        var copy = values
        #expect(sharesStorage(values, copy))
        #expect(!sharesStorage(values, [1, 2, 3]))
        copy[0] = 1
        #expect(!sharesStorage(values, copy))
    }

    @Test func floatArraysComeBackAsThemselvesAndDoublesRounded() {
        let floats: [Float] = [1, 2.5]
        #expect(sharesStorage(Float.floats(floats), floats))
        #expect(Double.floats([1, 0.1]) == [1, Float(0.1)])
    }
}
