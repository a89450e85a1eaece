/// Chooses, while a loop of similar steps runs, whether one compute thread or more runs them
/// faster: it times windows of steps, tries the other choice for one window now and then, and
/// keeps whichever was faster.
///
/// Whether a second thread helps is not fixed for a machine. On a virtual machine the host may
/// move the two virtual CPUs onto cores that share no cache, for a few seconds or a few minutes,
/// and every hand-off between the threads is then several times slower: two threads run a
/// training step slower than one. On a machine shared with other work a second thread may have no
/// core to run on. So the tuner tries one thread as soon as two windows in a row with all threads
/// are markedly slower than the recent ones (and every `trialEvery` windows in any case), and
/// while it runs one thread it tries all of them every few windows, to return as soon as they
/// are faster again.
///
/// The choice changes speed only: every parallel kernel splits its work the same way whatever
/// the thread count, so the results are the same, bit for bit, with 1 thread, with `maximum`
/// and with any switching between them.
///
/// ```swift
/// let tuner = ThreadCountTuner(maximum: 2)
/// tuner.begin()                      // uses the choice so far (at first: `maximum`)
/// for _ in 0..<1_000 {
///     // ... one training step ...
///     tuner.stepFinished()
/// }
/// tuner.end()                        // back to the thread count from before `begin()`
/// ```
public final class ThreadCountTuner {
    /// The most threads to use; the other choice is 1.
    public let maximum: Int
    /// Steps in one timed window.
    public let window: Int
    /// While `maximum` is chosen, the most windows between two trials of one thread.
    public let trialEvery: Int
    /// The thread count the steps run with when not trying the other.
    public private(set) var chosen: Int
    /// How often the choice has changed.
    public private(set) var switches = 0

    /// The seconds of the last few windows run with `chosen`.
    private var recentWindows: [Double] = []
    /// The seconds of the last windows run with `maximum` threads, trials included.
    private var windowsAtMaximum: [Double] = []
    private var windowsSinceTrial = 0
    /// Markedly slow windows with `maximum` threads in a row so far.
    private var slowWindowsInARow = 0
    /// The time a trial window has to beat by 5%, set when the trial is decided.
    private var trialBaseline: Double?
    private var stepsInWindow = 0
    /// When the current window started, moved on by work ``excluding(_:)`` runs.
    private(set) var windowStart = ContinuousClock.now
    /// The thread count before ``begin()``, put back by ``end()``.
    private var countBefore: Int?

    /// Windows with `maximum` threads remembered to judge a slow one against.
    static let remembered = 30
    /// Two windows in a row with `maximum` threads this much slower than the median of the
    /// remembered ones bring a trial of one thread forward.
    static let slowdown = 1.25
    /// While one thread is chosen, a trial of `maximum` comes after this many windows.
    static let trialEveryOnOneThread = 4

    /// A tuner choosing between 1 thread and `maximum`, starting with `maximum`; by default it
    /// times windows of 200 steps and, while `maximum` is chosen, tries one thread at least once
    /// every 20 windows.
    public init(maximum: Int, window: Int = 200, trialEvery: Int = 20) {
        if maximum < 1 || window < 1 || trialEvery < 1 {
            kernelMisuse("ThreadCountTuner", "maximum \(maximum), window \(window) and trialEvery \(trialEvery) must be at least 1")
        }
        self.maximum = maximum
        self.window = window
        self.trialEvery = trialEvery
        chosen = maximum
    }

    /// The thread count in use now: `chosen`, or the other choice during a trial window.
    public var current: Int { trialBaseline == nil ? chosen : other }

    private var other: Int { chosen == 1 ? maximum : 1 }

    /// Sets ``ComputeThreads`` to the current choice and starts a new window: call it when the
    /// loop starts (or resumes after other work, which must not count in a window).
    public func begin() {
        if countBefore == nil { countBefore = ComputeThreads.count }
        startWindow()
    }

    /// Counts one step; at the end of a window, times it and sets the thread count for the next.
    public func stepFinished() {
        stepsInWindow += 1
        guard stepsInWindow >= window else { return }
        windowFinished(seconds: seconds(windowStart.duration(to: ContinuousClock.now)))
        startWindow()
    }

    /// Runs `work` that is not a step (saving a checkpoint, say) without counting its time in
    /// the current window.
    public func excluding<Result>(_ work: () throws -> Result) rethrows -> Result {
        let start = ContinuousClock.now
        defer { windowStart += start.duration(to: ContinuousClock.now) }
        return try work()
    }

    /// Puts back the thread count ``ComputeThreads`` had before ``begin()``, for the work that
    /// follows the loop; the choice is kept for the next ``begin()``.
    public func end() {
        if let countBefore { ComputeThreads.set(countBefore) }
        countBefore = nil
    }

    private func startWindow() {
        stepsInWindow = 0
        ComputeThreads.set(current)
        windowStart = ContinuousClock.now
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Takes the time of a finished window and decides what the next one runs with.
    ///
    /// A trial wins when it is at least 5% faster than the windows it was decided on: the median
    /// of the last three, or the slow window that brought it forward. With one thread chosen,
    /// every fifth window is a trial of `maximum`.
    func windowFinished(seconds: Double) {
        guard maximum > 1 else { return }
        if current == maximum {
            windowsAtMaximum = Array((windowsAtMaximum + [seconds]).suffix(Self.remembered))
        }
        if let baseline = trialBaseline {
            trialBaseline = nil
            if seconds < 0.95 * baseline {
                chosen = other
                switches += 1
                recentWindows = [seconds]
                windowsSinceTrial = 0
            } else if chosen == maximum {
                // A slowdown one thread does not beat is the new normal for all threads.
                windowsAtMaximum = [baseline]
            }
            return
        }
        recentWindows = Array((recentWindows + [seconds]).suffix(3))
        windowsSinceTrial += 1
        let slow = chosen == maximum && seconds > Self.slowdown * windowsAtMaximum.sorted()[windowsAtMaximum.count / 2]
        slowWindowsInARow = slow ? slowWindowsInARow + 1 : 0
        if slowWindowsInARow >= 2 {
            slowWindowsInARow = 0
            trialBaseline = seconds
        } else if windowsSinceTrial >= (chosen == maximum ? trialEvery : Self.trialEveryOnOneThread) {
            trialBaseline = recentWindows.sorted()[recentWindows.count / 2]
        }
        if trialBaseline != nil { windowsSinceTrial = 0 }
    }
}
