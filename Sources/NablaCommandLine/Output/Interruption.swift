import Foundation
import Synchronization

/// SIGINT, SIGTERM and SIGHUP, for every command.
///
/// Outside training the process exits at once with the conventional status 128 + signal: nothing
/// half-written can survive, because every file is written atomically (a temporary file renamed
/// into place; a later write removes temporaries left by a killed writer). Inside
/// ``deferringExit(_:)`` (the training loop) the handler only records the signal; the loop sees
/// it between two steps, saves a checkpoint and then exits with the same status. When that save
/// fails, the process says so on standard error, with the reason, and exits with
/// ``notSavedStatus`` instead: 128 + signal always means that what was being saved is saved.
package enum Interruption {
    private static let received = Atomic<Int32>(0)
    private static let deferring = Atomic<Bool>(false)

    /// The signal received while exits were deferred, or 0.
    package static var signal: Int32 { received.load(ordering: .sequentiallyConsistent) }

    /// Installs the handlers.
    package static func install() {
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

    /// The exit status of a run interrupted by a signal whose checkpoint (or model) could not be
    /// saved: 75 (`EX_TEMPFAIL`), distinct from 128 + signal, which says it was saved.
    package static let notSavedStatus: Int32 = 75

    /// Runs `body` with exits deferred: a signal is recorded for `body` to act on. A signal that
    /// arrived and was not acted on makes the process exit when `body` returns. When `body` fails
    /// after a signal arrived (its save could not be written), the failure is printed on standard
    /// error and the process exits with ``notSavedStatus``.
    package static func deferringExit<Result>(_ body: () throws -> Result) rethrows -> Result {
        deferring.store(true, ordering: .sequentiallyConsistent)
        let result: Result
        do {
            result = try body()
        } catch {
            deferring.store(false, ordering: .sequentiallyConsistent)
            let number = received.load(ordering: .sequentiallyConsistent)
            guard number == 0 else { exitNotSaved(signal: number, because: error) }
            throw error
        }
        deferring.store(false, ordering: .sequentiallyConsistent)
        // A signal that came after `body` last looked: exit now with the handler's status (through
        // `exit`, outside the handler, so the lock files of this run's outputs are removed).
        let number = received.load(ordering: .sequentiallyConsistent)
        if number != 0 { exit(128 + number) }
        return result
    }

    /// Says on standard error that the run was interrupted by `signal` and `error` kept its
    /// save from being written, then exits with ``notSavedStatus``.
    package static func exitNotSaved(signal: Int32, because error: Error) -> Never {
        FileHandle.standardError.write(Data("error: interrupted by signal \(signal), and the file being saved could not be written: \(error)\n".utf8))
        exit(notSavedStatus)
    }

    /// Exits with 128 + the recorded signal, if one was recorded.
    package static func exitIfSignalled() {
        let number = signal
        if number != 0 { exit(128 + number) }
    }
}

/// The name the program was run by (`gru4rec`), for messages.
package var programName: String {
    URL(fileURLWithPath: CommandLine.arguments.first ?? "nabla").lastPathComponent
}
