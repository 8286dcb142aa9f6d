import Foundation
import Synchronization

/// Our own loops (convolution tiles, product column blocks, depthwise channels, pointwise chunks) split
/// work over at most `workers` threads. Work is cut into pieces that the workers take one at a time, so
/// when the machine is busy and one worker is descheduled the others finish its share instead of
/// waiting for it. They never run while OpenBLAS is inside a product on their behalf (OpenBLAS is
/// single-threaded), so the two never compete for the cores. The pipelines around the networks (image
/// resampling, line crops, decoding) share their loops out over the same workers, between runs.
public enum Parallel {
    /// Workers for all inference loops; set by `BLAS.configureThreads`.
    nonisolated(unsafe) public internal(set) static var workers = 2 {
        didSet {
            poolLock.lock()
            defer { poolLock.unlock() }
            pool?.stop()
            pool = nil
        }
    }

    /// The `workers - 1` helper threads, started on first use.
    nonisolated(unsafe) private static var pool: WorkerPool?
    private static let poolLock = NSLock()

    private static func helpers() -> WorkerPool? {
        poolLock.lock()
        defer { poolLock.unlock() }
        if pool == nil && workers > 1 { pool = WorkerPool(helpers: workers - 1) }
        return pool
    }

    /// Pieces per worker: enough to even out a straggler, few enough to keep pieces large.
    private static let piecesPerWorker = 4

    /// Calls `body` on disjoint ranges covering 0..<count, in parallel when there is enough work.
    public static func chunks(_ count: Int, minimumPerChunk: Int, alignment: Int = 1, _ body: (Range<Int>) -> Void) {
        chunks(count, minimumPerChunk: minimumPerChunk, alignment: alignment) { _, range in body(range) }
    }

    /// As `chunks`, also passing the worker's index (0..<workers), e.g. to pick its own scratch buffer.
    /// Ranges of one call never run concurrently on the same worker index.
    public static func chunks(_ count: Int, minimumPerChunk: Int, alignment: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        let pieces = min(workers * piecesPerWorker, max(1, count / max(minimumPerChunk, 1)))
        if pieces <= 1 || workers <= 1 { body(0, 0..<count); return }
        let even = (count + pieces - 1) / pieces
        let size = (even + alignment - 1) / alignment * alignment
        let next = Atomic<Int>(0)
        // The ranges are disjoint, so the workers never write the same memory.
        let ran = helpers()?.run { worker in
            while true {
                let piece = next.wrappingAdd(1, ordering: .relaxed).oldValue
                let start = piece * size
                if start >= count { return }
                body(worker, start..<min(count, start + size))
            }
        } ?? false
        // The pool is busy (a nested call, or another thread's network): this caller works alone.
        if !ran { body(0, 0..<count) }
    }
}
