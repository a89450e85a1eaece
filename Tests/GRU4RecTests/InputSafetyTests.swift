import Foundation
import GRU4Rec
import Nabla
import NablaNN
@testable import NablaSessions
import NablaTestSupport
import Testing

/// Input files through the real `gru4rec` command: headers are checked before a file is read
/// whole, lines are found in linear time, ids are told apart byte for byte, and a path that is
/// not a regular file is named for what it is.
@Suite struct InputSafetyTests {
    /// A fresh temporary folder.
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-input-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func gru4rec(_ arguments: [String]) throws -> ExampleRunner.Result {
        try ExampleRunner.run("gru4rec", arguments: arguments)
    }

    /// Whether `text` holds the bytes of `part` (Swift's `contains` would accept another Unicode form).
    func containsBytes(_ text: String, _ part: String) -> Bool {
        let bytes = Array(text.utf8), needle = Array(part.utf8)
        guard needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    let small = "layers=4,n_epochs=1,n_sample=2,batch_size=2"
    /// `café` with a precomposed é (NFC) and with e and a combining acute accent (NFD).
    let nfc = "caf\u{E9}", nfd = "cafe\u{301}"

    /// Trains a small model on `lines` (after the header) and saves it in `folder`.
    func trainedModel(_ lines: [String], in folder: URL, name: String = "model") throws -> (path: String, output: String) {
        let train = folder.appendingPathComponent("\(name).tsv")
        try Data((["SessionId\tItemId\tTime"] + lines).joined(separator: "\n").utf8).write(to: train)
        let model = folder.appendingPathComponent("\(name).safetensors").path
        let result = try gru4rec(["train", "--train", train.path, "-p", small, "--save", model])
        #expect(result.status == 0, "\(result.errors)")
        return (model, result.output)
    }

    // MARK: Headers before data

    @Test func aLargeFileThatIsNotAModelIsRefusedAfterItsHeaderUnderAMemoryLimit() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let large = folder.appendingPathComponent("large.bin")
        try sparseFile(large, size: 512 << 20)
        try Data("SessionId\tItemId\tTime\n1\tA\t1\n".utf8).write(to: folder.appendingPathComponent("test.tsv"))
        // 400 MB of address space: reading the file whole (and copying it) cannot fit, its header can.
        let result = try ExampleRunner.shell("ulimit -v 400000; exec \"$GRU4REC\" evaluate --model '\(large.path)' --test '\(folder.path)/test.tsv'")
        #expect(result.status == 1, "status \(result.status): \(result.errors)")
        #expect(result.errors.contains("large.bin: invalid safetensors header: not valid JSON"), "\(result.errors)")
        #expect(!result.errors.contains("NSCocoaErrorDomain"))
    }

    @Test func aModelFileIsReadHeaderFirstAndEqualsTheFileReadWhole() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var file = SafeTensors()
        file.add(Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3]), named: "b")
        file.add(int64s: [7, -1], shape: [2], named: "a")
        file.metadata = ["format": "x"]
        let url = folder.appendingPathComponent("file.safetensors")
        try Data(file.encoded()).write(to: url)
        let read = try SafeTensors.read(from: url)
        let decoded = try SafeTensors(decoding: file.encoded(), source: url.path)
        #expect(read.entries == decoded.entries && read.metadata == decoded.metadata)
        // The header announces more data than the file holds: refused from the header.
        try Data(file.encoded().dropLast(4)).write(to: url)
        #expect(throws: SafeTensorsError.self) { try SafeTensors.read(from: url) }
        // A header length beyond the file: refused after reading 8 bytes.
        try Data([0xFF, 0xFF, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0x20, count: 16)).write(to: url)
        #expect(throws: SafeTensorsError.truncated(source: url.path, detail: "header length 65535 exceeds the 16 bytes after it")) {
            try SafeTensors.read(from: url)
        }
    }

    @Test func aLargeItemsFileIsRefusedBeforeItIsRead() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(["1\tA\t1", "1\tB\t2", "2\tB\t3", "2\tA\t4"], in: folder).path
        let large = folder.appendingPathComponent("large.txt")
        try sparseFile(large, size: 512 << 20)
        let result = try ExampleRunner.shell("ulimit -v 400000; exec \"$GRU4REC\" recommend --model '\(model)' --items-file '\(large.path)'")
        #expect(result.status == 1, "status \(result.status): \(result.errors)")
        #expect(result.errors.contains("large.txt: holds more than 16 MiB, the most a session's file of item ids may have"),
                "\(result.errors)")
        // From standard input the limits hold as it is read: here the line limit.
        let piped = try ExampleRunner.shell("head -c 300000 /dev/zero | tr '\\0' x | \"$GRU4REC\" recommend --model '\(model)' --items-file -")
        #expect(piped.status == 1)
        #expect(piped.errors.contains("-:1:65537: the line is longer than 65536 bytes, the most an item id may have"), "\(piped.errors)")
        let ids = try ExampleRunner.shell("printf 'A\\r\\n\\nB\\n' | \"$GRU4REC\" recommend --model '\(model)' --items-file -")
        #expect(ids.status == 0, "\(ids.errors)")
    }

    // MARK: Linear line scanning

    /// Scans a file of `size` bytes without a line break, in blocks of `blockSize`; returns the
    /// bytes examined.
    func bytesExaminedScanning(size: Int, blockSize: Int, in folder: URL) throws -> Int {
        let url = folder.appendingPathComponent("line-\(size).txt")
        try Data(repeating: 0x61, count: size).write(to: url)
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var scanner = LineScanner(maximumLineLength: 1 << 30) { _ in DataError(file: url.path, "too long") }
        var lines = 0
        try scanner.scan(handle, source: url.path, blockSize: blockSize) { line, _ in
            lines += 1
            #expect(line.count == size)
        }
        #expect(lines == 1)
        return scanner.bytesExamined
    }

    @Test func aLongLineIsSearchedOnceNotOncePerBlock() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // 256 and 1024 blocks of 1 KiB: scanning again from the line's start at every block
        // would examine 128 and 512 times the bytes; once each is exactly the file's size.
        let quarter = try bytesExaminedScanning(size: 256 << 10, blockSize: 1 << 10, in: folder)
        let whole = try bytesExaminedScanning(size: 1 << 20, blockSize: 1 << 10, in: folder)
        #expect(quarter == 256 << 10)
        #expect(whole == 1 << 20)
    }

    @Test func linesAcrossBlocksAreFoundOnceEach() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = (0..<500).map { String(repeating: "x", count: $0 % 37) }.joined(separator: "\n") + "\nend"
        let url = folder.appendingPathComponent("lines.txt")
        try Data(text.utf8).write(to: url)
        for blockSize in [1, 5, 64, 1 << 20] {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            var scanner = LineScanner(maximumLineLength: 100) { _ in DataError(file: url.path, "too long") }
            var lines: [String] = []
            try scanner.scan(handle, source: url.path, blockSize: blockSize) { line, number in
                #expect(number == lines.count + 1)
                lines.append(String(decoding: line, as: UTF8.self))
            }
            #expect(lines == text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
            #expect(scanner.bytesExamined == text.utf8.count)
        }
    }

    @Test func rawClickLogsAreStreamedWithALineLimit() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("clicks.dat")
        try Data(("1,2014-04-07T10:51:09.277Z,214536502,0\n" + String(repeating: "1", count: 2 << 20)).utf8).write(to: log)
        let result = try gru4rec(["preprocess", "--input", log.path, "--format", "yoochoose", "--output", folder.appendingPathComponent("out").path])
        #expect(result.status == 1)
        #expect(result.errors.contains("clicks.dat:2:1048577: the line is longer than 1048576 bytes"), "\(result.errors)")
        // Two different invalid ids would both become U+FFFD, one item: refused instead.
        let invalid = Data("1,2014-04-07T10:51:09.277Z,1,0\n".utf8) + Data([0x31, 0x2C] + Array("2014-04-07T10:52:09Z,".utf8) + [0xFF, 0x0A])
        #expect(throws: DataError(file: "x.dat", line: 2, "the line is not valid UTF-8 text")) {
            _ = try Preprocessor.parse(invalid, format: .yoochoose, source: "x.dat")
        }
    }

    // MARK: Ids byte for byte

    @Test func nfcAndNFDIdsStayTwoItemsAndTwoSessions() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (model, output) = try trainedModel(["\(nfc)\t\(nfc)\t1", "\(nfc)\tthé\t2", "\(nfd)\t\(nfd)\t3", "\(nfd)\tthé\t4",
                                                "x\tthé\t5", "x\t\(nfc)\t6"], in: folder)
        #expect(output.contains("training data: 6 events, 3 sessions, 3 items"), "\(output)")
        let recommended = try gru4rec(["recommend", "--model", model, "--items", nfd])
        #expect(recommended.status == 0, "\(recommended.errors)")
        #expect(containsBytes(recommended.output, nfc) && containsBytes(recommended.output, nfd), "\(recommended.output)")
        let loaded = try Checkpoint.load(URL(fileURLWithPath: model), as: Float.self)
        #expect(loaded.itemMap.count == 3)
        #expect(loaded.itemMap.row(of: nfc) != loaded.itemMap.row(of: nfd))
        let swapped = loaded.itemMap.ids.map { ExactID($0) == ExactID(nfc) ? nfd : ExactID($0) == ExactID(nfd) ? nfc : $0 }
        #expect(loaded.itemMap != (try ItemMap(ids: swapped)), "the same text in other bytes is another item list")
    }

    @Test func recommendLooksItemsUpByTheirBytes() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(["1\t\(nfc)\t1", "1\tthé\t2", "2\tthé\t3", "2\t\(nfc)\t4"], in: folder).path
        let known = try gru4rec(["recommend", "--model", model, "--items", nfc])
        #expect(known.status == 0, "\(known.errors)")
        let items = folder.appendingPathComponent("session.txt")
        try Data("\(nfd)\n".utf8).write(to: items)
        let lookalike = try gru4rec(["recommend", "--model", model, "--items-file", items.path])
        #expect(lookalike.status == 1)
        #expect(lookalike.errors.contains("is not known to the model (it knows an item that looks the same but is written with other bytes"),
                "\(lookalike.errors)")
    }

    @Test func testDataMapsItemsAndSessionsByTheirBytes() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("test.tsv")
        try Data("SessionId\tItemId\tTime\n\(nfc)\t\(nfc)\t1\n\(nfc)\t\(nfd)\t2\n\(nfd)\t\(nfd)\t3\n\(nfd)\t\(nfc)\t4\n".utf8)
            .write(to: url)
        let test = try SessionData.test(streamingFrom: url, itemMap: ItemMap(ids: [nfc]))
        #expect(test.droppedUnknownEvents == 2)
        #expect(test.sessionCount == 2 && test.eventCount == 2)
        let whole = try SessionData.training(SessionTSVReader.read(url), source: url.path)
        #expect(whole.sessionCount == 2 && whole.itemMap.count == 2)
        #expect(throws: Never.self) { try ItemMap(ids: [nfc, nfd]) }
    }

    @Test func preprocessingKeepsNFCAndNFDSessionsAndItemsApart() throws {
        let events = [(nfc, nfc, 1.0), (nfc, nfd, 2), (nfc, "x", 3), (nfd, nfd, 4), (nfd, "x", 5), ("y", "x", 6), ("y", nfd, 7)]
            .enumerated().map { SessionEvent(session: $1.0, item: $1.1, time: $1.2, line: $0 + 2) }
        let sessions = Preprocessor.mergeRepeats(Preprocessor.sessions(of: events))
        #expect(sessions.count == 3)
        #expect(sessions.map(\.events.count) == [3, 2, 2], "an NFC item followed by its NFD form is not a repeat")
        var changes = Preprocessor.Changes()
        // The NFC item has one event, under the support of 2; its NFD form has three.
        let kept = Preprocessor.filter(sessions, minimumItemSupport: 2, changes: &changes)
        #expect(changes.rareItems == 1 && changes.rareItemEvents == 1)
        #expect(kept.map(\.events.count) == [2, 2, 2])
        #expect(kept.flatMap(\.events).allSatisfy { ExactID($0.item) != ExactID(nfc) })
    }

    // MARK: Paths that are not regular files

    @Test func foldersFIFOsAndDanglingLinksAreNamedForWhatTheyAre() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(["1\tA\t1", "1\tB\t2", "2\tB\t3", "2\tA\t4"], in: folder).path
        let subfolder = folder.appendingPathComponent("sub").path
        try FileManager.default.createDirectory(atPath: subfolder, withIntermediateDirectories: false)
        let fifo = folder.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let dangling = folder.appendingPathComponent("dangling").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: folder.appendingPathComponent("gone").path)
        let cases: [(path: String, expected: String)] = [
            (subfolder, "is a folder, not a"),
            (fifo, "is a FIFO (a pipe), not a"),
            (dangling, "is a symbolic link to \(folder.path)/gone, which does not exist"),
        ]
        for (path, expected) in cases {
            for arguments in [["recommend", "--model", model, "--items-file", path], ["evaluate", "--model", path, "--test", path],
                              ["train", "--train", path], ["preprocess", "--input", path, "--format", "yoochoose", "--output", folder.appendingPathComponent("out").path]] {
                let result = try gru4rec(arguments)
                #expect(result.status != 0)
                #expect(result.errors.contains("\(path): \(expected)"), "\(arguments): \(result.errors)")
                #expect(!result.errors.contains("NSCocoaErrorDomain") && !result.errors.contains("permission"), "\(result.errors)")
            }
        }
        let items = try gru4rec(["recommend", "--model", model, "--items-file", subfolder])
        #expect(items.errors.contains("is a folder, not a file of item ids"), "\(items.errors)")
        let fromFIFO = try gru4rec(["recommend", "--model", model, "--items-file", fifo])
        #expect(fromFIFO.errors.contains("give a regular file, or - to read standard input"), "\(fromFIFO.errors)")
        var status = stat()
        #expect(stat(fifo, &status) == 0 && Int(status.st_mode) & Int(S_IFMT) == Int(S_IFIFO))
        let piped = try ExampleRunner.shell("echo A | \"$GRU4REC\" recommend --model '\(model)' --items-file /dev/stdin")
        #expect(piped.status == 1)
        #expect(piped.errors.contains("/dev/stdin: is a FIFO (a pipe), not a file of item ids: give a regular file, or - to read standard input"),
                "\(piped.errors)")
    }
}
