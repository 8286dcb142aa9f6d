import Foundation
import Synchronization

/// The helper threads behind `Parallel`. A run makes about two hundred parallel regions per batch, a
/// few hundred microseconds each; waking a sleeping thread for every one of them (as
/// `DispatchQueue.concurrentPerform` does) costs a good part of a region. So a helper that finishes
/// its share spins for a short while on the job counter and only then sleeps: the next region of the
/// same run finds it awake, and between runs it costs nothing.
///
/// A helper joins a job only while the job is open. The caller closes it as soon as its own share is
/// done (the work is taken piece by piece, so by then every piece has been taken) and waits only for
/// helpers that joined: a helper the system has not scheduled yet never holds the caller up.
///
/// One job at a time: a call made while a job runs (from a helper, or from another thread) is refused
/// and the caller does the work alone.
final class WorkerPool: @unchecked Sendable {
    let helperCount: Int
    /// How many times a helper polls for the next job before sleeping (tens of microseconds).
    private static let spinLimit = 20_000

    /// The job's number above `openBit`, whether helpers may still join, and how many are inside it.
    private let state = Atomic<Int>(0)
    private static let openBit = 1 << 20
    private static let activeMask = openBit - 1
    /// The latest job's number: the signal that wakes helpers.
    private let generation = Atomic<Int>(0)
    private let inUse = Atomic<Bool>(false)
    private let condition = NSCondition()
    /// Set before a job is published and cleared once no helper is inside it.
    nonisolated(unsafe) private var job: ((Int) -> Void)?
    private var stopped = false

    init(helpers: Int) {
        helperCount = helpers
        for index in 0..<helpers {
            let thread = Thread { [self] in helperLoop(worker: index + 1) }
            thread.name = "NeuralRuntime worker \(index + 1)"
            thread.start()
        }
    }

    /// Runs `body(worker)` on the caller (worker 0) and on the helpers that join in time, and returns
    /// when all of them are done. `body` must share its work out itself (each call takes pieces until
    /// none are left). Returns false, running nothing, when the pool is busy with another job.
    func run(_ body: (Int) -> Void) -> Bool {
        guard inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { inUse.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            // Helpers call it only between the job's opening and `state` showing none of them inside.
            nonisolated(unsafe) let body = body
            job = { body($0) }
            let number = generation.load(ordering: .relaxed) + 1
            state.store(number << 21 | WorkerPool.openBit, ordering: .releasing)
            condition.lock()
            generation.store(number, ordering: .releasing)
            condition.broadcast()
            condition.unlock()
            body(0)
            state.bitwiseAnd(~WorkerPool.openBit, ordering: .acquiringAndReleasing)
            var polls = 0
            while state.load(ordering: .acquiring) & WorkerPool.activeMask != 0 {
                polls += 1
                if polls > 1000 { sched_yield() }
            }
            job = nil
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
            let finished = stopped
            condition.unlock()
            if finished { return }
            if join(seen) {
                var work = job
                work?(worker)
                // Let go of the job before leaving it: `run` checks that nothing kept its closure.
                work = nil
                state.subtract(1, ordering: .releasing)
            }
        }
    }

    /// Enters job `number` if it is still open.
    private func join(_ number: Int) -> Bool {
        var current = state.load(ordering: .relaxed)
        while current >> 21 == number && current & WorkerPool.openBit != 0 {
            let (exchanged, original) = state.compareExchange(expected: current, desired: current + 1, ordering: .acquiring)
            if exchanged { return true }
            current = original
        }
        return false
    }
}
