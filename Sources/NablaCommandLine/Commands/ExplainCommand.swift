import ArgumentParser
import Foundation
import NablaGraphviz
import NablaNN
import NablaSessions

/// `explain`: how much each item of a session contributed to a recommendation, by autodiff;
/// or, with `--deletion-test`, how faithful those attributions are on test sessions. For a
/// model that is an `AttributableSessionModel`.
public struct ExplainCommand<Registration: CommandLineModel>: ParsableCommand {
    /// `explain`.
    public static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "explain",
        abstract: "Attribute a recommendation to the items of the session, and draw it.",
        discussion: """
            Differentiates the target item's score with respect to each step's input vector. \
            'ig' (integrated gradients) averages the gradient along the straight path from the baseline \
            to the session's inputs; its attributions add up to the score minus the baseline's score, and \
            the residual shows how closely. 'grad-input' is the gradient at the inputs times the inputs. \
            With --deletion-test, removes the step with the highest attribution from each test session \
            and reports how far the target's rank falls, against a random step and others.
            """) }

    /// The command, for the argument parser.
    public init() {}

    @Option(help: "The saved model.")
    var model: String

    @Option(help: "The session: item ids separated by commas, oldest first.")
    var items: String?

    @Option(help: "The session from a file, one item id per line, oldest first ('-' reads standard input); at most 16 MiB, lines of at most 64 KiB.")
    var itemsFile: String?

    @Option(help: "The item whose score is explained (default: the top recommendation).")
    var target: String?

    @Option(help: "ig (integrated gradients) or grad-input (gradient × input).")
    var method = "ig"

    @Option(help: "Points on the path for integrated gradients (default 64).")
    var steps: Int?

    @Option(help: "Where integrated gradients start: zero (the zero input vector) or mean (the mean item's input vector).")
    var baseline = "zero"

    @Option(help: ArgumentHelp("Draw the session coloured by attribution to this file (.svg, .png or .pdf); or write an .html page "
            + "stepping through the backward pass of the target's score to the session's input vectors."))
    var draw: String?

    @Option(help: "Instead of one session, run the deletion test on this test file (session TSV).")
    var deletionTest: String?

    @Option(help: "With --deletion-test: at most this many test sessions (of three events or more).")
    var sessions = 1_000

    @Option(help: "With --deletion-test: explain the session's real last item (next-item) or the top recommendation (top).")
    var deletionTarget = "next-item"

    @Option(help: "With --deletion-test: the seed of the random step.")
    var seed: UInt64 = 1

    @OptionGroup var columns: ColumnOptions
    @OptionGroup var progressOptions: ProgressOptions

    @Flag(help: "Replace the --draw file if it exists.")
    var overwrite = false

    public func validate() throws {
        _ = try parsedMethod()
        _ = try parsedBaseline()
        if let draw { _ = try DrawingOutput(path: draw, option: "--draw") }
        if deletionTest != nil {
            guard items == nil, itemsFile == nil, target == nil, draw == nil else {
                throw ValidationError("--deletion-test explains test sessions: it takes no --items, --items-file, --target or --draw")
            }
            guard sessions >= 1 else { throw ValidationError("--sessions \(sessions) must be at least 1") }
            guard DeletionTest.Target(rawValue: deletionTarget) != nil else {
                throw ValidationError("--deletion-target '\(deletionTarget)' must be next-item or top")
            }
        } else {
            guard (items == nil) != (itemsFile == nil) else { throw ValidationError("give the session with --items or with --items-file") }
        }
    }

    public func run() throws {
        progressOptions.apply()
        if let draw {
            let inputs = [OutputPath.Input(option: "--model", path: model)]
                + (itemsFile.map { $0 == "-" ? [] : [OutputPath.Input(option: "--items-file", path: $0)] } ?? [])
            try OutputFiles.claim(draw, option: "--draw", overwrite: overwrite, inputs: inputs)
        }
        let loaded = try Registration.load(path: model)
        guard let attributable = loaded.model as? any AttributableSessionModel<Float> else {
            throw ValidationError("\(Registration.displayName) models cannot be explained: the model does not step from input vectors "
                + "(AttributableSessionModel)")
        }
        if let deletionTest {
            try runDeletionTest(attributable, itemMap: loaded.itemMap, testFile: deletionTest)
            return
        }
        let session = try readSessionItems(items: items, itemsFile: itemsFile)
        let attribution = try SessionAttribution.explain(attributable, itemMap: loaded.itemMap, session: session, target: target,
                                                         method: try parsedMethod(), baseline: try parsedBaseline())
        let targetID = loaded.itemMap.ids[attribution.target]
        print("why \(targetID)\(target == nil ? " (the top recommendation)" : "") after [\(session.joined(separator: ", "))]")
        printAttribution(attribution, itemMap: loaded.itemMap)
        if let draw {
            let title = "Why \(targetID) after this session?"
            switch try DrawingOutput(path: draw, option: "--draw") {
            case .page:
                let score = attributable.explainedScore(of: attribution.target, after: attribution.session,
                                                        names: session.enumerated().map { "x\($0) \($1)" })
                try DrawingOutput.writePage(backpropagating: score, title: title + " The score of \(targetID), backward to each step's input", to: draw)
            case .picture(let format):
                try AtomicFile.write(Graphviz.render(dot: attribution.dot(itemMap: loaded.itemMap, title: title), format: format),
                                     to: URL(fileURLWithPath: draw))
            }
            print("drew \(draw)")
        }
    }

    /// `--method` as an ``AttributionMethod``.
    func parsedMethod() throws -> AttributionMethod {
        switch method {
        case "ig":
            let count = steps ?? 64
            guard (1...100_000).contains(count) else { throw ValidationError("--steps \(count) must be from 1 to 100000") }
            return .integratedGradients(steps: count)
        case "grad-input":
            guard steps == nil else { throw ValidationError("--steps applies to --method ig only") }
            return .gradientTimesInput
        default:
            throw ValidationError("--method '\(method)' must be ig or grad-input")
        }
    }

    /// `--baseline` as an ``AttributionBaseline``.
    func parsedBaseline() throws -> AttributionBaseline {
        switch baseline {
        case "zero": return .zeros
        case "mean": return .meanInputVector
        default: throw ValidationError("--baseline '\(baseline)' must be zero or mean")
        }
    }

    /// Removes the highest-attributed step of each test session, and other steps to compare.
    func runDeletionTest(_ model: any AttributableSessionModel<Float>, itemMap: ItemMap, testFile: String) throws {
        let data = try readTest(testFile, columns: columns.columns, itemMap: itemMap)
        let eligible = (0..<data.sessionCount).filter { data.session($0).count >= 3 }.count
        guard eligible > 0 else { throw DataError(file: testFile, "has no session of three events or more to test") }
        let method = try parsedMethod(), target = DeletionTest.Target(rawValue: deletionTarget)!
        let choices: [DeletionTest.Choice] = [.highestAttribution(method), .highestAttribution(.gradientTimesInput),
                                              .random, .lowestAttribution(method), .lastStep]
        var bar = ProgressBar(title: "deletion test", total: min(sessions, eligible), unit: "sessions")
        let result = DeletionTest.run(model: model, data: data, sessionLimit: sessions, target: target,
                                      choices: choices, baseline: try parsedBaseline(), seed: seed) { bar.update($0) }
        bar.finish()
        let explained = target == .nextItem ? "the real next item" : "the top recommendation"
        print("deletion test: \(result.sessions) test sessions of \(testFile); target: \(explained) after the other events")
        print("mean prefix length \(String(format: "%.2f", result.meanPrefixLength)), mean rank of the target before removal "
            + String(format: "%.2f", result.meanRankBefore))
        printTable(["removed step", "mean rank increase", "median", "target fell", "mean score drop", "was the last step",
                    "otherwise: sessions", "its increase", "last step's"],
                   result.outcomes.map { outcome in
                       let elsewhere = outcome.sessionsNotLastStep > 0
                       return [outcome.choice.description, String(format: "%.2f", outcome.meanRankIncrease),
                               String(format: "%.1f", outcome.medianRankIncrease), percent(outcome.fractionFallen),
                               fixed4(outcome.meanScoreDrop), percent(outcome.fractionLastStep), String(outcome.sessionsNotLastStep),
                               elsewhere ? String(format: "%.2f", outcome.meanRankIncreaseNotLastStep) : "—",
                               elsewhere ? String(format: "%.2f", outcome.lastStepMeanRankIncreaseThere) : "—"]
                   })
    }

    private func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }
}

/// Prints an attribution as a table: one row per step (its item, attribution and share of the
/// total), the total, and the completeness line.
package func printAttribution(_ attribution: SessionAttribution, itemMap: ItemMap) {
    let shares = attribution.shares
    let share = { (step: Int) in shares.map { String(format: "%.1f%%", $0[step] * 100) } ?? "—" }
    let signed = { (value: Double) in String(format: "%+.4f", value) }
    let baselineText = attribution.method == .gradientTimesInput ? "" : ", \(attribution.baseline)"
    print("\(attribution.method)\(baselineText)")
    printTable(["step", "item", "attribution", "share"],
               attribution.session.enumerated().map { step, item in
                   [String(step + 1), itemMap.ids[item], signed(attribution.attributions[step]), share(step)]
               } + [["total", "", signed(attribution.total), shares == nil ? "—" : "100.0%"]])
    print("score \(fixed4(attribution.score)), after the baseline \(fixed4(attribution.baselineScore)): "
        + "change \(signed(attribution.score - attribution.baselineScore)), completeness residual "
        + String(format: "%.2e", attribution.residual))
}
