import Foundation
import NablaNN
import NablaPages
import NablaTuning

/// What `tune --report` writes: each trial's metric by trial number (pruned and failed trials
/// marked), the best so far, one chart per searched parameter (its value against the metric),
/// and every trial's setting, as one self-contained HTML page.
package struct TuningReport {
    /// The model's name, for the title.
    let modelName: String
    /// The searched space.
    let space: SearchSpace
    /// The metric's name, such as `MRR@20`.
    let metricName: String
    /// The trials the search was asked for.
    let plannedTrials: Int
    /// Facts about the search (fixed parameters, data, machine), shown as a table in this order.
    var facts: [(String, String)]

    /// A report on a search of `space` for `plannedTrials` trials measured by `metricName`.
    package init(modelName: String, space: SearchSpace, metricName: String, plannedTrials: Int, facts: [(String, String)]) {
        self.modelName = modelName
        self.space = space
        self.metricName = metricName
        self.plannedTrials = plannedTrials
        self.facts = facts
    }

    /// The page for the trials of `history`.
    package func page(_ history: [TrialRecord]) -> SelfContainedPage {
        let date = ISO8601DateFormatter().string(from: Date())
        let failed = history.filter { $0.state == .failed }
        var page = SelfContainedPage(title: "\(modelName) hyperparameter search",
                                     subtitle: "\(history.count) of \(plannedTrials) trials · written \(date) by \(programName)")
        let complete = history.filter { $0.state == .complete }, pruned = history.filter { $0.state == .pruned }
        // A step: level until a trial beats it, then up to that trial's value.
        var bestSoFar: [(Double, Double)] = []
        for record in history where record.state == .complete && record.value > (bestSoFar.last?.1 ?? -.infinity) {
            if let best = bestSoFar.last { bestSoFar.append((Double(record.number), best.1)) }
            bestSoFar.append((Double(record.number), record.value))
        }
        if let last = history.last, let best = bestSoFar.last, Double(last.number) > best.0 { bestSoFar.append((Double(last.number), best.1)) }
        let series = [
            ChartSeries(name: "complete", points: complete.map { (Double($0.number), $0.value) }, style: .points),
            ChartSeries(name: "pruned (metric when stopped)", points: pruned.map { (Double($0.number), $0.value) }, style: .points),
            ChartSeries(name: "best so far", points: bestSoFar),
        ]
        var blocks: [PageBlock] = [.chart(LineChart(title: "\(metricName) of each trial", xLabel: "trial", yLabel: metricName, series: series))]
        if let best = history.best {
            blocks.append(.paragraph("Best: trial \(best.number), \(metricName) \(String(format: "%.4f", best.value)): "
                + space.parameterString(best.coordinates)))
        }
        if !failed.isEmpty {
            blocks.append(.note("Failed (no metric, not drawn): trial" + (failed.count == 1 ? " " : "s ")
                + failed.map { String($0.number) }.joined(separator: ", ") + "; the table below gives each reason."))
        }
        page.add(PageSection(heading: "Search history", blocks: blocks))
        let drawn = history.filter { $0.state != .failed }
        page.add(PageSection(heading: "Each parameter against \(metricName)", blocks: [
            .charts(space.parameters.indices.map { parameterChart($0, complete: complete, pruned: pruned) }),
            .note("Each dot is a trial: complete trials in blue, pruned ones (with the metric at the epoch they were stopped) in red; "
                + "\(drawn.count) trials drawn."),
        ]))
        page.add(PageSection(heading: "Trials", blocks: [.table(
            header: ["trial", "state", metricName, "epochs", "seconds"] + space.parameters.map(\.name) + ["reason"],
            rows: history.map { record in
                [String(record.number), record.state.rawValue, record.state == .failed ? "" : String(format: "%.4f", record.value),
                 String(record.intermediateValues.count), String(format: "%.1f", record.seconds)]
                    + zip(space.parameters, record.coordinates).map { $0.text(of: $1) } + [record.failure ?? ""]
            })]))
        page.add(PageSection(heading: "Search", blocks: [.table(header: ["", ""], rows: facts.map { [$0.0, $0.1] })]))
        try? page.embed(history.map { TrialData(record: $0, space: space) }, id: "trials")
        return page
    }

    /// The chart of parameter `index`: its value (or category) against the metric.
    func parameterChart(_ index: Int, complete: [TrialRecord], pruned: [TrialRecord]) -> LineChart {
        let parameter = space.parameters[index]
        let logarithmic: Bool
        switch parameter.domain {
        case .integer(_, _, _, let log), .real(_, _, _, let log): logarithmic = log
        case .categorical: logarithmic = false
        }
        var categories: [String]?
        if case .categorical(let values) = parameter.domain { categories = values }
        func points(_ records: [TrialRecord]) -> [(Double, Double)] { records.map { ($0.coordinates[index], $0.value) } }
        return LineChart(title: parameter.name, xLabel: parameter.name, yLabel: metricName,
                         series: [ChartSeries(name: "complete", points: points(complete), style: .points),
                                  ChartSeries(name: "pruned", points: points(pruned), style: .points)],
                         width: 340, height: 240, logarithmicX: logarithmic, xCategories: categories)
    }

    /// Writes the page for `history` to `path` atomically.
    package func write(_ history: [TrialRecord], to path: String) throws {
        try AtomicFile.write(Array(page(history).html.utf8), to: URL(fileURLWithPath: path))
    }

    /// A trial as embedded JSON.
    struct TrialData: Encodable {
        let number: Int, state: String, value: Double?, values: [Double], seconds: Double, parameters: [String: String], failure: String?

        init(record: TrialRecord, space: SearchSpace) {
            number = record.number
            state = record.state.rawValue
            value = record.state == .failed ? nil : record.value
            values = record.intermediateValues
            seconds = record.seconds
            parameters = space.texts(record.coordinates)
            failure = record.failure
        }
    }
}
