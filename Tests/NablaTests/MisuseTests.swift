import Nabla
import Testing

/// Shape mismatches and misuse stop the process with a message naming the op and the shapes.
///
/// Each case runs in a child process (a Swift Testing exit test) and checks standard error.
@Suite struct MisuseTests {
    @Test func matmulInnerDimensionMismatchNamesBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor<Float>(zeros: [32, 100]), Tensor<Float>(zeros: [64, 300]))
        }
        #expect(stderr(result).contains("matmul: [32, 100] × [64, 300]: inner dimensions 100 and 64 differ"))
    }

    @Test func updateScalarsThatChangesTheCountIsRefused() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Tensor<Float>(zeros: [3]).updateScalars { $0.append(1) }
        }
        #expect(stderr(result).contains("updateScalars: the count changed from 3 to 4"))
    }

    @Test func matmulOfNonMatricesIsRefused() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = matmul(Tensor<Float>(zeros: [3]), Tensor<Float>(zeros: [3, 2]))
        }
        #expect(stderr(result).contains("matmul: [3] × [3, 2]: both operands must be 2-D matrices"))
    }

    @Test func broadcastMismatchNamesTheOpAndBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>(zeros: [2, 3]) + Tensor<Double>(zeros: [4])
        }
        #expect(stderr(result).contains("add: [2, 3] and [4] do not broadcast"))
    }

    @Test func reshapeToADifferentCountIsRefused() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>(zeros: [2, 3]).reshaped([4, 2])
        }
        #expect(stderr(result).contains("reshape: [2, 3] → [4, 2]"))
    }

    @Test func secondBackwardThroughAFreedGraphIsAClearError() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor<Double>(scalar: 2, requiresGrad: true)
            let y = x * x
            y.backward()
            y.backward()
        }
        #expect(stderr(result).contains("already freed"))
        #expect(stderr(result).contains("retainGraph: true"))
    }

    @Test func backwardOfANonScalarNeedsASeed() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            (Tensor<Double>([1, 2], requiresGrad: true) * 2).backward()
        }
        #expect(stderr(result).contains("backward: a tensor of shape [2] needs a seed gradient"))
    }

    @Test func backwardWithoutGradientIsRefused() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            Tensor<Double>(scalar: 1).backward()
        }
        #expect(stderr(result).contains("backward: this tensor does not require a gradient"))
    }

    @Test func gatherOutOfRangeNamesTheIndex() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>(zeros: [4, 2]).gather(rows: [1, 4])
        }
        #expect(stderr(result).contains("gather: row index 4 is out of range for shape [4, 2]"))
    }

    @Test func concatOfMismatchedShapesIsRefused() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = concat([Tensor<Float>(zeros: [2, 3]), Tensor<Float>(zeros: [3, 3])], axis: 1)
        }
        #expect(stderr(result).contains("concat: [2, 3] and [3, 3] differ outside axis 1"))
    }

    @Test func wrongScalarCountIsRefused() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Float>([1, 2, 3], shape: [2, 2])
        }
        #expect(stderr(result).contains("Tensor.init: 3 scalars do not fill shape [2, 2]"))
    }

    @Test func requiresGradCannotBeSetOnAnOpResult() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let y = Tensor<Float>([1], requiresGrad: true) * 2
            y.requiresGrad = false
        }
        #expect(stderr(result).contains("requiresGrad: can only be set on a leaf tensor"))
    }
}

/// What an exit test's child process wrote to standard error.
private func stderr(_ result: ExitTest.Result?) -> String {
    String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
}

/// Anomaly mode names the op that first produced a non-finite value.
@Suite struct AnomalyDetectionTests {
    @Test func forwardAnomalyNamesTheOpAndScope() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withAnomalyDetection {
                let x = Tensor<Double>([1, -1], requiresGrad: true)
                _ = withScope("layer0") { x.log() }
            }
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("anomaly: the forward pass of 'log' in scope 'layer0' produced nan"))
    }

    @Test func backwardAnomalyNamesTheOp() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            withAnomalyDetection {
                let x = Tensor<Double>([0, 4], requiresGrad: true)
                x.sqrt().sum().backward()            // d√x/dx at 0 is infinite
            }
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("anomaly: the backward pass of 'sqrt' produced inf"))
    }

    @Test func withoutAnomalyModeNonFiniteValuesPassThrough() {
        #expect(Tensor<Double>([-1]).log().item.isNaN)
    }
}
