import Foundation
import NablaTuning
import Testing

/// Parameter-space files in the official format: read as the official `paropt.py` reads them,
/// and refused with the file, line and column of what is wrong.
@Suite struct SearchSpaceTests {
    /// The official cross-entropy space (`paramspaces/gru4rec_xe_standard_parspace.json`).
    static let officialCrossEntropySpace = """
        {"name":"layers", "dtype":"int", "values":[64,512], "step":32}
        {"name":"batch_size", "dtype":"int", "values":[32, 256], "step":16}
        {"name":"learning_rate", "dtype":"float", "values":[0.01, 0.25], "step":0.005}
        {"name":"dropout_p_embed", "dtype":"float", "values":[0.0, 0.5], "step":0.05}
        {"name":"dropout_p_hidden", "dtype":"float", "values":[0.0, 0.7], "step":0.05}
        {"name":"momentum", "dtype":"float", "values":[0.0, 0.9], "step":0.05}
        {"name":"sample_alpha", "dtype":"float", "values":[0.0, 1.0], "step":0.1}

        """

    func parse(_ text: String) throws -> SearchSpace { try SearchSpace.parse(Data(text.utf8), source: "space.json") }

    /// The error a bad file gives.
    func error(_ text: String) -> DataError? {
        do { _ = try parse(text); return nil } catch { return error as? DataError }
    }

    @Test func readsTheOfficialSpaces() throws {
        let space = try parse(Self.officialCrossEntropySpace)
        #expect(space.parameters.map(\.name) == ["layers", "batch_size", "learning_rate", "dropout_p_embed", "dropout_p_hidden",
                                                  "momentum", "sample_alpha"])
        #expect(space.parameters[0].domain == .integer(low: 64, high: 512, step: 32, log: false))
        #expect(space.parameters[2].domain == .real(low: 0.01, high: 0.25, step: 0.005, log: false))
        let bpr = try parse(#"{"name":"bpreg", "dtype":"float", "values":[0.0, 2.0], "step":0.05}"# + "\n"
                            + #"{"name":"elu_param", "dtype":"categorical", "values":[0.5, 1, 0]}"#)
        #expect(bpr.parameters[1].domain == .categorical(["0.5", "1", "0"]))
        // Written back, the space reads as itself (a journal keeps it so).
        #expect(try parse(space.jsonLines) == space)
        #expect(try parse(bpr.jsonLines) == bpr)
    }

    @Test func valuesOnAGridAreWrittenWithTheGridsDecimals() throws {
        let rate = try parse(#"{"name":"learning_rate", "dtype":"float", "values":[0.01, 0.25], "step":0.005}"#).parameters[0]
        #expect(rate.snapped(0.0702) == 0.07)
        #expect(rate.text(of: rate.snapped(0.0702)) == "0.07")
        #expect(rate.text(of: 0.01 + 12 * 0.005) == "0.07")
        #expect(rate.snapped(1) == 0.25 && rate.snapped(-1) == 0.01)
        #expect(rate.coordinate(ofText: "0.07") == 0.07)
        #expect(rate.coordinate(ofText: "0.0701") == nil, "off the grid")
        let layers = try parse(#"{"name":"layers", "dtype":"int", "values":[64,512], "step":32}"#).parameters[0]
        #expect(layers.snapped(100) == 96 && layers.text(of: 96) == "96")
        let log = try parse(#"{"name":"learning_rate", "dtype":"float", "values":[0.0001, 1], "log":true}"#).parameters[0]
        #expect(log.text(of: 0.000123456789) == "0.000123457")
        let flags = try parse(#"{"name":"constrained_embedding", "dtype":"categorical", "values":[true, false]}"#).parameters[0]
        #expect(flags.domain == .categorical(["True", "False"]))
    }

    @Test func badFilesAreRefusedWithFileLineAndColumn() {
        let cases: [(text: String, location: String, message: String)] = [
            ("\n" + #"{"name":"layers", "dtype":"int", "values":[64,512], "stpe":32}"#, "space.json:2:53", "unknown key 'stpe'"),
            (#"{"name":"layers", "dtype":"integer", "values":[64,512]}"#, "space.json:1:19", "'dtype' must be int, float or categorical"),
            (#"{"name":"layers", "dtype":"int", "values":[512,64]}"#, "space.json:1:34", "low 512 is above high 64"),
            (#"{"name":"layers", "dtype":"int", "values":[64,500], "step":32}"#, "space.json:1:53", "not a whole number of steps of 32"),
            (#"{"name":"layers", "dtype":"int", "values":[64.5,512]}"#, "space.json:1:34", "two integers"),
            (#"{"name":"layers", "dtype":"int", "values":[-9223372036854775808, 9223372036854775807]}"#, "space.json:1:34", "at most 10^15"),
            (#"{"name":"learning_rate", "dtype":"float", "values":[-1e308, 1e308]}"#, "space.json:1:43", "at most 10^300"),
            (#"{"name":"learning_rate", "dtype":"float", "values":[0, 1], "log":true}"#, "space.json:1:60", "a log scale needs low > 0"),
            (#"{"name":"learning_rate", "dtype":"float", "values":[0.1, 1], "step":0.1, "log":true}"#, "space.json:1:74", "a log scale takes no step"),
            (#"{"name":"learning_rate", "dtype":"float", "values":[0.1], "step":0.1}"#, "space.json:1:43", "two numbers"),
            (#"{"name":"elu_param", "dtype":"categorical", "values":[]}"#, "space.json:1:45", "at least one value"),
            (#"{"name":"elu_param", "dtype":"categorical", "values":[1, 1]}"#, "space.json:1:45", "listed twice"),
            (#"{"name":"layers", "dtype":"int", "values":[64,512]"#, "space.json:1", "not valid JSON"),
            (#"["layers"]"#, "space.json:1", "expected a JSON object"),
            (#"{"dtype":"int", "values":[64,512]}"#, "space.json:1", "'name' must be a non-empty string"),
            (#"{"name":"layers", "dtype":"int", "values":[64,512]}"# + "\n" + #"{"name":"layers", "dtype":"int", "values":[64,128]}"#,
             "space.json:2:2", "parameter 'layers' is already defined on line 1"),
            ("\n  \n", "space.json", "no parameter"),
        ]
        for (text, location, message) in cases {
            let error = error(text)
            #expect(error != nil, "\(text) was accepted")
            guard let error else { continue }
            #expect(error.description.hasPrefix(location + ": "), "\(error) should be located at \(location)")
            #expect(error.message.contains(message), "\(error) should say \(message)")
        }
    }
}
