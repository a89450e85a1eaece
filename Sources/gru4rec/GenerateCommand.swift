import ArgumentParser
import Foundation
import GRU4Rec

/// `gru4rec generate`: the built-in demo shop data.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write the demo shop sessions (demo_train.tsv, demo_test.tsv).")

    @Option(help: "The folder to write into.")
    var output = "gru4rec-output"

    func run() throws {
        let files = try DemoShop.write(to: URL(fileURLWithPath: output))
        print("wrote \(files.train.path) and \(files.test.path)")
    }
}
