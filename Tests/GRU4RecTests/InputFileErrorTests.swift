import Foundation
import GRU4Rec
import NablaTestSupport
import Testing

/// Input files that cannot be read as asked are refused in plain words: a line over the limit,
/// invalid UTF-8 or commas, a device or FIFO, a file that changes while it is read, baselines
/// trained on other items.
@Suite struct InputFileErrorTests: DemoDataCommandSuite {
    @Test func aFileWithoutLineBreaksStopsAtTheLineLimit() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("old-mac.tsv")
        try Data(("SessionId\tItemId\tTime" + String(repeating: "\r1\tA\t1", count: 400_000)).utf8).write(to: file)
        let result = try gru4rec(["train", "--train", file.path, "-p", small])
        #expect(result.status != 0)
        #expect(result.errors.contains("the line is longer than 1048576 bytes"))
        #expect(result.errors.utf8.count < 1000, "the error repeats the file: \(result.errors.utf8.count) bytes")
        let devZero = try gru4rec(["train", "--train", "/dev/zero", "-p", small])
        #expect(devZero.status != 0)
        #expect(devZero.errors.contains("/dev/zero: is a device, not a session file"), "\(devZero.errors)")
    }

    @Test func invalidUTF8AndCommaSeparatedFilesAreNamedAsSuch() throws {
        let bytes: [UInt8] = Array("SessionId\tItemId\tTime\n1\t".utf8) + [0xFF] + Array("\t1\n1\tB\t2\n".utf8)
        #expect {
            _ = try SessionTSVReader.parse(Data(bytes), source: "bad.tsv")
        } throws: { error in
            (error as? DataError)?.description == "bad.tsv:2:2: field 2 is not valid UTF-8 text"
        }
        #expect {
            _ = try SessionTSVReader.parse(Data("SessionId,ItemId,Time\n1,A,1\n".utf8), source: "clicks.csv")
        } throws: { error in
            (error as? DataError)?.message.contains("looks comma- or semicolon-separated, but session files are tab-separated") == true
        }
    }

    @Test func specialFilesAndFilesInTheWayGetPlainErrors() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try gru4rec(["evaluate", "--model", "/dev/zero", "--test", folder.appendingPathComponent("demo_test.tsv").path])
        #expect(model.status != 0)
        #expect(model.errors.contains("/dev/zero: is a device, not a safetensors file"), "\(model.errors)")
        let fifo = folder.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let fromFIFO = try gru4rec(["train", "--train", fifo, "-p", small])
        #expect(fromFIFO.status != 0)
        #expect(fromFIFO.errors.contains("is a FIFO (a pipe), not a session file"), "\(fromFIFO.errors)")
        let output = try gru4rec(["generate", "--output", folder.appendingPathComponent("demo_test.tsv").path])
        #expect(output.status != 0)
        #expect(output.errors.contains("demo_test.tsv: is a file, not a folder"), "\(output.errors)")
        #expect(!output.errors.contains("NSCocoaErrorDomain"))
    }

    @Test func aFileThatChangesWhileItIsReadIsRefused() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("demo_train.tsv")
        var events = 0
        #expect {
            try SessionTSVReader.forEachEvent(in: file, blockSize: 4096) { _ in
                events += 1
                if events == 10 { try FileHandle(forWritingTo: file).truncate(atOffset: 10_000) }
            }
        } throws: { error in
            (error as? DataError)?.message.contains("changed while it was being read") == true
        }
    }

    @Test func evaluateChecksTheBaselinesTrainingFileBeforeEvaluating() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(in: folder)
        let other = folder.appendingPathComponent("other.tsv")
        try "SessionId\tItemId\tTime\n1\tX\t1\n1\tY\t2\n".write(to: other, atomically: true, encoding: .utf8)
        let result = try gru4rec(["evaluate", "--model", model, "--test", folder.appendingPathComponent("demo_test.tsv").path,
                                  "--train", other.path])
        #expect(result.status == 1, "exit status \(result.status): \(result.errors)")
        #expect(result.errors.contains("has other items than the model was trained on"))
        #expect(!result.output.contains("Recall"))
    }
}
