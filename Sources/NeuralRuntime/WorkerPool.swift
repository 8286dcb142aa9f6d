import Foundation
import Synchronization

/// The helper threads behind `Parallel`. A run makes about two hundred parallel regions per batch, a
/// few hundred microseconds each; waking a sleeping thread for every one of them (as
/// `DispatchQueue.concurrentPerform` does) costs a good part of a region. So a helper that finishes
/// its share spins for a short while on the job counter and only then sleeps: the next region of the
/// same run finds it awake, and between runs it costs nothing.
///
/// One job at a time: a call made while a job runs (from a helper, or from another thread) is refused
/// and the caller does the work alone.
final class WorkerPool: @unchecked Sendable {
    let helperCount: Int
    /// How many times a helper polls for the next job before sleeping (tens of microseconds).
    private static let spinLimit = 20_000

    private let condition = NSCondition()
    /// Bumped once per job; helpers compare it with the last one they ran.
    private let generation = Atomic<Int>(0)
    /// Helpers still inside the current job.
    private let running = Atomic<Int>(0)
    private let inUse = Atomic<Bool>(false)
    /// The current job, read by helpers under `condition`'s lock.
    private var job: ((Int) -> Void)?
    private var stopped = false

    init(helpers: Int) {
        helperCount = helpers
        for index in 0..<helpers {
            let thread = Thread { [self] in helperLoop(worker: index + 1) }
            thread.name = "NeuralRuntime worker \(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(worker)` for worker 0 (the caller) and every helper, and returns when all are done.
    /// Returns false, without running anything, when the pool is busy with another job.
    func run(_ body: (Int) -> Void) -> Bool {
        guard inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { inUse.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            // Helpers call it only between the publication below and `running` reaching zero.
            nonisolated(unsafe) let body = body
            condition.lock()
            job = { body($0) }
            running.store(helperCount, ordering: .relaxed)
            generation.wrappingAdd(1, ordering: .releasing)
            condition.broadcast()
            condition.unlock()
            body(0)
            var polls = 0
            while running.load(ordering: .acquiring) > 0 {
                polls += 1
                // A helper that was descheduled (a busy machine) gets the core back sooner.
                if polls > 1000 { sched_yield() }
            }
            condition.lock()
            job = nil
            condition.unlock()
        }
        return true
    }

    /// Ends the helper threads. Waits for a running job first; later calls to `run` are refused.
    func stop() {
        while !inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged { sched_yield() }
        condition.lock()
        stopped = true
        generation.wrappingAdd(1, ordering: .releasing)
        condition.broadcast()
        condition.unlock()
    }

    private func helperLoop(worker: Int) {
        var seen = 0
        while true {
            var polls = 0
            while generation.load(ordering: .acquiring) == seen && polls < WorkerPool.spinLimit { polls += 1 }
            condition.lock()
            while generation.load(ordering: .acquiring) == seen { condition.wait() }
            seen = generation.load(ordering: .acquiring)
            if stopped { condition.unlock(); return }
            var work = job
            condition.unlock()
            work?(worker)
            // Let go of the job before reporting done: `run` checks that nothing kept its closure.
            work = nil
            running.subtract(1, ordering: .releasing)
        }
    }
}
