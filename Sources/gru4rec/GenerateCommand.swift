import ArgumentParser
import Foundation
import GRU4Rec
import NablaCommandLine
import NablaNN

/// `gru4rec generate`: the built-in demo shop data.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write the demo shop sessions (demo_train.tsv, demo_test.tsv).")

    @Option(help: "The folder to write into.")
    var output = "gru4rec-output"

    @Flag(help: "Replace demo_train.tsv and demo_test.tsv if they exist.")
    var overwrite = false

    func run() throws {
        let folder = URL(fileURLWithPath: output)
        do { try OutputPath.createFolder(output) } catch let problem as OutputPath.Problem { throw DataError(file: problem.path, problem.reason) }
        for name in ["demo_train.tsv", "demo_test.tsv"] {
            try OutputFiles.claim(folder.appendingPathComponent(name).path, option: "--output", overwrite: overwrite)
        }
        let files = try DemoShop.write(to: folder)
        print("wrote \(files.train.path) and \(files.test.path)")
    }
}
