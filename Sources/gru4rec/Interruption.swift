import Foundation
import Synchronization

/// SIGINT and SIGTERM during training: the handler only records the signal; the training loop
/// checks it between steps, saves a checkpoint and exits with the conventional status 128 + signal.
enum Interruption {
    private static let received = Atomic<Int32>(0)

    /// The signal received, or 0.
    static var signal: Int32 { received.load(ordering: .relaxed) }

    /// Installs the handlers.
    static func install() {
        let handler: @convention(c) (Int32) -> Void = { number in Interruption.received.store(number, ordering: .relaxed) }
        Foundation.signal(SIGINT, handler)
        Foundation.signal(SIGTERM, handler)
        // A parent may have started us with these signals blocked (the mask is inherited).
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &signals, nil)
    }
}
