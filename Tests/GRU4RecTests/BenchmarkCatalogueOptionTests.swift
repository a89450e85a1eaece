import Foundation
import NablaTestSupport
import Testing

/// `gru4rec benchmark` reads its data from files or generates a catalogue, never both.
@Suite struct BenchmarkCatalogueOptionTests {
    @Test func theBenchmarkTakesDataOrACatalogueNotBoth() throws {
        for arguments in [["benchmark"], ["benchmark", "--data", "somewhere", "--catalogue-items", "100"]] {
            let result = try ExampleRunner.run("gru4rec", arguments: arguments)
            #expect(result.status != 0 && result.errors.contains("give --data or --catalogue-items"), "\(result.errors)")
        }
        let tooSmall = try ExampleRunner.run("gru4rec", arguments: ["benchmark", "--catalogue-items", "1"])
        #expect(tooSmall.status != 0 && tooSmall.errors.contains("must be at least 2"), "\(tooSmall.errors)")
    }
}
