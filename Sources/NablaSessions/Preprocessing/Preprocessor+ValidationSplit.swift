import Foundation

extension Preprocessor {
    /// Splits events into a training part and a validation part by the rule `preprocess` uses
    /// for `train_tr`/`train_valid`: sessions starting in the last `days` days (counted back from
    /// the data's last event) are validation, restricted to items the training part has, and
    /// then to sessions of at least 2 events.
    ///
    /// Time is read in seconds, as the official preprocessing reads it.
    ///
    /// - Parameters:
    ///   - events: A session file's events (grouped by session or not).
    ///   - days: The number of last days that form the validation part (fractions allowed).
    /// - Returns: The two parts, each grouped by session in time order.
    public static func splitLastDays(_ events: [SessionEvent], days: Double)
        -> (training: [SessionEvent], validation: [SessionEvent]) {
        var changes = Changes()
        let (training, validation) = split(sessions(of: events), testDays: days, changes: &changes)
        func flattened(_ sessions: [Session]) -> [SessionEvent] {
            sessions.sorted { ($0.start, $0.id) < ($1.start, $1.id) }.flatMap { session in
                session.events.map { SessionEvent(session: session.id, item: $0.item, time: $0.time, line: 0) }
            }
        }
        return (flattened(training), flattened(validation))
    }
}
