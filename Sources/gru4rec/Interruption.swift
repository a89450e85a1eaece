import Foundation
import Synchronization

/// SIGINT, SIGTERM and SIGHUP, for every command.
///
/// Outside training the process exits at once with the conventional status 128 + signal: nothing
/// half-written can survive, because every file is written atomically (a temporary file renamed
/// into place; a later write removes temporaries left by a killed writer). Inside
/// ``deferringExit(_:)`` (the training loop) the handler only records the signal; the loop sees
/// it between two steps, saves a checkpoint and then exits with the same status.
enum Interruption {
    private static let received = Atomic<Int32>(0)
    private static let deferring = Atomic<Bool>(false)

    /// The signal received while exits were deferred, or 0.
    static var signal: Int32 { received.load(ordering: .sequentiallyConsistent) }

    /// Installs the handlers.
    static func install() {
        // Touch both atomics now, so the handler never runs their lazy initialisation.
        _ = received.load(ordering: .sequentiallyConsistent)
        _ = deferring.load(ordering: .sequentiallyConsistent)
        let handler: @convention(c) (Int32) -> Void = { number in
            // A second signal while the first is being acted on (a slow save) ends the process.
            if Interruption.deferring.load(ordering: .sequentiallyConsistent)
                && Interruption.received.load(ordering: .sequentiallyConsistent) == 0 {
                Interruption.received.store(number, ordering: .sequentiallyConsistent)
            } else {
                _exit(128 + number)
            }
        }
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in [SIGINT, SIGTERM, SIGHUP] {
            Foundation.signal(number, handler)
            sigaddset(&signals, number)
        }
        // A parent may have started us with these signals blocked (the mask is inherited).
        sigprocmask(SIG_UNBLOCK, &signals, nil)
    }

    /// Runs `body` with exits deferred: a signal is recorded for `body` to act on. A signal that
    /// arrived and was not acted on makes the process exit when `body` returns.
    static func deferringExit<Result>(_ body: () throws -> Result) rethrows -> Result {
        deferring.store(true, ordering: .sequentiallyConsistent)
        defer {
            deferring.store(false, ordering: .sequentiallyConsistent)
            // A signal that came after `body` last looked: exit now, as the handler would have.
            let number = received.load(ordering: .sequentiallyConsistent)
            if number != 0 { _exit(128 + number) }
        }
        return try body()
    }

    /// Exits with 128 + the recorded signal, if one was recorded.
    static func exitIfSignalled() {
        let number = signal
        if number != 0 { exit(128 + number) }
    }
}
