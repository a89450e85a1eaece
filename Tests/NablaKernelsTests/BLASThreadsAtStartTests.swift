import Foundation
import NablaKernels
import Testing

/// A program that never sets a thread count computes on one thread, OpenBLAS included, whatever
/// OpenBLAS's own default is.
///
/// Tests share one process and others set thread counts, so the check runs in a fresh process:
/// this test binary again, running only ``firstProductRunsOnOneBLASThread()`` with OpenBLAS's
/// default raised to two threads.
@Suite struct BLASThreadsAtStartTests {
    static let childVariable = "NABLA_FRESH_PROCESS_BLAS_CHECK"

    @Test func aFreshProcessUsesOneBLASThreadBeforeAnyThreadCountIsSet() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--testing-library", "swift-testing", "--filter", "BLASThreadsAtStartTests/firstProductRunsOnOneBLASThread"]
        process.environment = ProcessInfo.processInfo.environment.merging(
            [Self.childVariable: "1", "OPENBLAS_NUM_THREADS": "2"]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(printed)")
        #expect(printed.contains("firstProductRunsOnOneBLASThread"), "the check did not run in the fresh process:\n\(printed)")
    }

    /// Runs only in the fresh process started above.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childVariable] != nil))
    func firstProductRunsOnOneBLASThread() {
        #expect(ComputeThreads.count == 1)
        let product: [Float] = gemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 2, a: [1, 2, 3, 4], b: [1, 0, 0, 1])
        #expect(product == [1, 2, 3, 4])
        #expect(ComputeThreads.blasThreadCount == 1)
    }
}
