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
        let handler: @convention(c) (Int32) -> Void = { number in
            if Interruption.deferring.load(ordering: .sequentiallyConsistent) {
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
        }
        return try body()
    }

    /// Exits with 128 + the recorded signal, if one was recorded.
    static func exitIfSignalled() {
        let number = signal
        if number != 0 { exit(128 + number) }
    }
}
