import Foundation
import NablaNN
import NablaTestSupport
import Testing

/// SIGINT, SIGTERM and SIGHUP: during training a checkpoint is saved first; in any other phase the
/// command exits at once with 128 + the signal.
@Suite struct SignalTests: DemoDataCommandSuite {
    /// Waits until `process` catches `signal` (its handlers are installed), at most ten seconds.
    func waitForHandler(of signal: Int32, in process: Process) -> Bool {
        for _ in 0..<1000 {
            let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
            if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
               let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16), mask & (1 << UInt64(signal - 1)) != 0 {
                return true
            }
            usleep(10_000)
        }
        return false
    }

    @Test func sighupDuringTrainingSavesACheckpoint() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A signal that lands between two epochs (while the epoch's checkpoint is written) is
        // saved as the state between them; one that lands inside an epoch, as that epoch's
        // steps so far. Epochs of small batches make the second the rule, and a run whose
        // signal fell between epochs is tried again, up to three times.
        var training: [String: Any] = [:]
        for _ in 0..<3 {
            let checkpoint = folder.appendingPathComponent("c.safetensors").path
            try? FileManager.default.removeItem(atPath: checkpoint)
            let process = Process()
            process.executableURL = ExampleRunner.productsFolder.appendingPathComponent("gru4rec")
            process.arguments = ["train", "--train", folder.appendingPathComponent("demo_train.tsv").path,
                                 "-p", "layers=32,batch_size=4,n_epochs=200,n_sample=8", "--checkpoint", checkpoint]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            while !FileManager.default.fileExists(atPath: checkpoint) && process.isRunning { usleep(20_000) }
            usleep(300_000)                                       // well into epoch 2
            let sent = Date()
            kill(process.processIdentifier, SIGHUP)
            process.waitUntilExit()
            #expect(process.terminationStatus == 128 + SIGHUP)
            #expect(Date().timeIntervalSince(sent) < 2)
            let saved = try SafeTensors.read(from: URL(fileURLWithPath: checkpoint))
            training = try JSONSerialization.jsonObject(with: Data(saved.metadata["training"]!.utf8)) as! [String: Any]
            if (training["steps"] as? Int ?? 0) > 0 { break }
        }
        // The checkpoint is the one written on the signal, in the middle of an epoch.
        #expect((training["steps"] as? Int ?? 0) > 0, "\(training)")
    }

    @Test func aSignalOutsideTrainingExitsAtOnce() throws {
        let folder = try demoFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try trainedModel(in: folder)
        for signal in [SIGHUP, SIGTERM, SIGINT] {
            let process = Process()
            process.executableURL = ExampleRunner.productsFolder.appendingPathComponent("gru4rec")
            process.arguments = ["recommend", "--model", model, "--items-file", "-"]     // waits for standard input
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            #expect(waitForHandler(of: signal, in: process), "the handlers were never installed")
            let sent = Date()
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            #expect(process.terminationStatus == 128 + signal)
            #expect(Date().timeIntervalSince(sent) < 1)
        }
    }
}
