import Foundation
import NablaKernels
import NablaNN
import NablaPages
import NablaSessions

/// What `train --report` writes: the loss per epoch and per interval of steps, the throughput per
/// epoch, the test metrics per evaluated epoch, and the run's parameters, data and machine, as
/// one self-contained HTML page.
package final class TrainingReport {
    /// The model's name, for the title.
    let modelName: String
    /// Facts about the run (parameters, data, machine), shown as a table in this order.
    package var facts: [(String, String)] = []
    /// The loss over intervals of steps.
    package private(set) var losses = IntervalLosses()
    /// Every finished epoch.
    package private(set) var epochs: [EpochSummary] = []
    /// The test metrics: the file, the epoch after which they were measured, and the metrics.
    package private(set) var evaluations: [(file: String, epoch: Int, metrics: RankingMetrics)] = []

    /// An empty report on training `modelName`.
    package init(modelName: String) { self.modelName = modelName }

    /// Records a progress report of the trainer.
    package func record(_ progress: TrainingProgress) { losses.record(progress) }

    /// Records a finished epoch of `eventsPerEpoch` events.
    package func record(_ summary: EpochSummary, eventsPerEpoch: Int) {
        losses.record(summary, eventsPerEpoch: eventsPerEpoch)
        epochs.append(summary)
    }

    /// Records the metrics on `file` after `epoch`.
    package func record(_ metrics: RankingMetrics, file: String, epoch: Int) { evaluations.append((file, epoch, metrics)) }

    /// Adds the machine's facts: CPU model, cores, threads, vector extensions, BLAS kernel.
    package func addMachineFacts(threads: String) {
        facts += [("CPU", Machine.cpuModel), ("cores", String(ProcessInfo.processInfo.activeProcessorCount)), ("threads", threads),
                  ("vector extensions", Machine.vectorExtensions), ("BLAS kernel", ComputeThreads.blasCoreName)]
    }

    /// The report as a page.
    package var page: SelfContainedPage {
        let date = ISO8601DateFormatter().string(from: Date())
        var page = SelfContainedPage(title: "\(modelName) training",
                                     subtitle: "\(epochs.count) epoch\(epochs.count == 1 ? "" : "s") · written \(date) by \(programName)")
        let epochMeans = ChartSeries(name: "epoch mean", points: epochs.map { (Double($0.epoch), $0.meanLoss) }, style: .points)
        let intervals = ChartSeries(name: "mean over an interval of steps", points: losses.intervals.map { ($0.end, $0.meanLoss) })
        page.add(PageSection(heading: "Loss", blocks: [
            .chart(LineChart(title: "Training loss", xLabel: "epoch", yLabel: "mean loss per event", series: [intervals, epochMeans])),
            .note("Each line point is the mean loss of the events since the previous point (progress is reported every 50 steps; "
                + "neighbouring intervals are merged in pairs to keep at most \(losses.limit) points). "
                + "The dots are the epochs' means, drawn at each epoch's end."),
        ]))
        for file in evaluations.map(\.file).uniqued() {
            page.add(PageSection(heading: "Test metrics: \(file)", blocks: metricBlocks(evaluations.filter { $0.file == file })))
        }
        if evaluations.isEmpty {
            page.add(PageSection(heading: "Test metrics", blocks: [.note("No --test file was given: nothing was evaluated.")]))
        }
        page.add(PageSection(heading: "Throughput", blocks: [
            .chart(LineChart(title: "Training throughput", xLabel: "epoch", yLabel: "predictions per second",
                             series: [ChartSeries(name: "predictions/s", points: epochs.map { (Double($0.epoch), $0.eventsPerSecond) })],
                             height: 240)),
            .table(header: ["epoch", "mean loss", "predictions/s", "seconds"], rows: epochs.map {
                [String($0.epoch), String(format: "%.4f", $0.meanLoss), String(Int($0.eventsPerSecond)), String(format: "%.1f", $0.seconds)]
            }),
        ]))
        page.add(PageSection(heading: "Run", blocks: [.table(header: ["", ""], rows: facts.map { [$0.0, $0.1] })]))
        try? page.embed(ReportData(self), id: "training-data")
        return page
    }

    /// Charts and a table of Recall@K and MRR@K after each evaluated epoch.
    func metricBlocks(_ evaluations: [(file: String, epoch: Int, metrics: RankingMetrics)]) -> [PageBlock] {
        let cutoffs = evaluations.first?.metrics.cutoffs ?? []
        var blocks: [PageBlock] = []
        if evaluations.count > 1 {
            func chart(_ name: String, _ value: (RankingMetrics, Int) -> Double) -> LineChart {
                LineChart(title: "\(name) per epoch", xLabel: "epoch", yLabel: name, series: cutoffs.map { k in
                    ChartSeries(name: "\(name)@\(k)", points: evaluations.map { (Double($0.epoch), value($0.metrics, k)) })
                }, width: 500, height: 280)
            }
            blocks.append(.charts([chart("Recall") { $0.recall(at: $1) }, chart("MRR") { $0.mrr(at: $1) }]))
        } else {
            blocks.append(.note("Measured after training only (--evaluate-every-epoch measures after every epoch and draws the curves)."))
        }
        blocks.append(.table(header: ["epoch", "predictions"] + cutoffs.map { "Recall@\($0)" } + cutoffs.map { "MRR@\($0)" },
                             rows: evaluations.map { evaluation in
            [String(evaluation.epoch), String(evaluation.metrics.predictions)]
                + cutoffs.map { String(format: "%.4f", evaluation.metrics.recall(at: $0)) }
                + cutoffs.map { String(format: "%.4f", evaluation.metrics.mrr(at: $0)) }
        }))
        return blocks
    }

    /// Writes the page to `path` atomically.
    package func write(to path: String) throws {
        try AtomicFile.write(Array(page.html.utf8), to: URL(fileURLWithPath: path))
    }

    /// The report's figures as embedded JSON, for a reader who wants the numbers.
    struct ReportData: Encodable {
        struct Epoch: Encodable { let epoch: Int, meanLoss: Double, eventsPerSecond: Double, seconds: Double }
        struct Evaluation: Encodable { let file: String, epoch: Int, predictions: Int, recall: [String: Double], mrr: [String: Double] }
        let epochs: [Epoch]
        let intervals: [[Double]]
        let evaluations: [Evaluation]
        let facts: [String: String]

        init(_ report: TrainingReport) {
            epochs = report.epochs.map { Epoch(epoch: $0.epoch, meanLoss: $0.meanLoss, eventsPerSecond: $0.eventsPerSecond, seconds: $0.seconds) }
            intervals = report.losses.intervals.map { [$0.end, $0.meanLoss] }
            evaluations = report.evaluations.map { evaluation in
                Evaluation(file: evaluation.file, epoch: evaluation.epoch, predictions: evaluation.metrics.predictions,
                           recall: Dictionary(evaluation.metrics.cutoffs.map { (String($0), evaluation.metrics.recall(at: $0)) }, uniquingKeysWith: { $1 }),
                           mrr: Dictionary(evaluation.metrics.cutoffs.map { (String($0), evaluation.metrics.mrr(at: $0)) }, uniquingKeysWith: { $1 }))
            }
            facts = Dictionary(report.facts, uniquingKeysWith: { $1 })
        }
    }
}

extension Array where Element: Hashable {
    /// The elements without repeats, in the order of their first appearance.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
