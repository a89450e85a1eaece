import Foundation
import Nabla
import NablaNN

/// A deterministic generator of shop sessions: Nabla's built-in demo data.
///
/// Shoppers follow journeys through a small catalogue of named items. Two journeys share an item
/// on purpose: after `[Camera, Memory Card]` the next item is a Camera Bag, after
/// `[Phone, Memory Card]` a Phone Case. A first-order Markov chain sees only "Memory Card" and
/// cannot tell the two apart; a GRU, which remembers the session, can. That is the point of
/// session-based recommendation with recurrent networks, shown on data small enough to train in
/// seconds.
public enum DemoShop {
    /// The catalogue.
    public static let items = [
        "Camera", "Memory Card", "Camera Bag", "Tripod", "Lens",
        "Phone", "Phone Case", "Screen Protector", "Charger", "Power Bank",
        "Laptop", "Laptop Sleeve", "Mouse", "Keyboard", "Monitor", "HDMI Cable",
        "Tablet", "Stylus", "Tablet Cover", "Smartwatch", "Watch Strap", "Headphones", "Ear Pads", "USB Cable",
    ]

    /// The journeys, each a fixed start and optional extras, with their weights.
    static let journeys: [(weight: Double, path: [String], extras: [String])] = [
        (0.24, ["Camera", "Memory Card", "Camera Bag"], ["Tripod", "Lens"]),
        (0.24, ["Phone", "Memory Card", "Phone Case"], ["Screen Protector", "Charger", "Power Bank"]),
        (0.14, ["Laptop", "Laptop Sleeve", "Mouse"], ["Keyboard", "Monitor", "USB Cable"]),
        (0.10, ["Monitor", "HDMI Cable", "Keyboard"], ["Mouse"]),
        (0.10, ["Tablet", "Stylus", "Tablet Cover"], ["Charger"]),
        (0.08, ["Smartwatch", "Watch Strap", "Charger"], ["Power Bank"]),
        (0.06, ["Headphones", "Ear Pads", "USB Cable"], ["Power Bank"]),
        (0.04, [], []),
    ]

    /// `count` sessions starting at session number `firstSession`, as session TSV text (``SessionTSVReader``'s format).
    ///
    /// Times are Unix seconds: one session every 10 minutes from 2026-01-01, one click every 30
    /// seconds inside a session.
    public static func sessions(count: Int, firstSession: Int = 1, seed: UInt64 = 7) -> String {
        var generator = SeededRandomGenerator(seed: seed &+ UInt64(firstSession))
        var lines = ["SessionId\tItemId\tTime"]
        for index in 0..<count {
            let session = firstSession + index
            var clicks = journey(using: &generator)
            // A little noise: sometimes a random item slips in before the journey starts.
            if generator.nextUnitInterval() < 0.1 { clicks.insert(items[generator.nextInt(below: items.count)], at: 0) }
            let start = 1_767_225_600 + session * 600
            for (position, item) in clicks.enumerated() {
                lines.append("\(session)\t\(item)\t\(start + position * 30)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `demo_train.tsv` (4,000 sessions) and `demo_test.tsv` (the next 800) into `folder`,
    /// each atomically (a symbolic link planted at either name is replaced, never followed).
    ///
    /// - Throws: ``DataError`` naming the folder or file and the system's reason.
    @discardableResult
    public static func write(to folder: URL) throws -> (train: URL, test: URL) {
        try OutputFolder.create(folder)
        let train = folder.appendingPathComponent("demo_train.tsv"), test = folder.appendingPathComponent("demo_test.tsv")
        try OutputFolder.write(Array(sessions(count: 4000, firstSession: 1).utf8), to: train)
        try OutputFolder.write(Array(sessions(count: 800, firstSession: 4001).utf8), to: test)
        return (train, test)
    }

    private static func journey(using generator: inout SeededRandomGenerator) -> [String] {
        var draw = generator.nextUnitInterval()
        for journey in journeys {
            draw -= journey.weight
            guard draw < 0 else { continue }
            if journey.path.isEmpty {
                return (0..<(2 + generator.nextInt(below: 3))).map { _ in items[generator.nextInt(below: items.count)] }
            }
            var clicks = journey.path
            if generator.nextUnitInterval() < 0.6 { clicks.append(journey.extras[generator.nextInt(below: journey.extras.count)]) }
            return clicks
        }
        return journeys[0].path
    }
}
