import ArgumentParser
import Foundation
import NablaSessions

/// `recommend`: the top items after a session prefix.
public struct RecommendCommand<Registration: CommandLineModel>: ParsableCommand {
    /// `recommend`.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "recommend", abstract: "Recommend the next items after a session's items.")
    }

    /// The command, for the argument parser.
    public init() {}

    @Option(help: "The saved model.")
    var model: String

    @Option(help: "The session so far: item ids separated by commas, oldest first.")
    var items: String?

    @Option(help: "The session so far from a file, one item id per line, oldest first ('-' reads standard input); for ids with commas or spaces, or long sessions; at most 16 MiB, lines of at most 64 KiB.")
    var itemsFile: String?

    @Option(help: "How many recommendations.")
    var top = 10

    @Flag(help: "Do not recommend items the session already has.")
    var excludeSeen = false

    public func validate() throws {
        guard top >= 1 else { throw ValidationError("--top \(top) must be at least 1") }
        guard (items == nil) != (itemsFile == nil) else { throw ValidationError("give the session with --items or with --items-file") }
    }

    public func run() throws {
        let loaded = try Registration.load(path: model)
        let prefix = try sessionItems()
        let recommendations = try Recommender.recommend(loaded.model, itemMap: loaded.itemMap, after: prefix, count: top,
                                                        excludingSeen: excludeSeen)
        printTable(["rank", "item", "probability", "score"], recommendations.enumerated().map {
            [String($0.offset + 1), $0.element.item, percent($0.element.probability), fixed4($0.element.score)]
        })
        print("probability: the model's softmax over all \(loaded.itemMap.count) items that this one comes next; "
            + "score: the model's raw output, whose order gives the ranking")
    }

    /// The session's item ids from `--items` or `--items-file`.
    func sessionItems() throws -> [String] { try readSessionItems(items: items, itemsFile: itemsFile) }
}
