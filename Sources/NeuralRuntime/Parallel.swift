import Dispatch

/// Our own loops (depthwise convolutions, pointwise ops) split work over at most two workers.
/// They never run while OpenBLAS is inside a product, so the two never compete for the cores.
enum Parallel {
    /// Workers for our own loops; set together with the OpenBLAS threads by `BLAS.configureThreads`.
    nonisolated(unsafe) static var workers = 2

    /// Calls `body` on disjoint ranges covering 0..<count, in parallel when there is enough work.
    static func chunks(_ count: Int, minimumPerChunk: Int, alignment: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunkCount = min(workers, max(1, count / max(minimumPerChunk, 1)))
        if chunkCount <= 1 { body(0..<count); return }
        let even = (count + chunkCount - 1) / chunkCount
        let size = (even + alignment - 1) / alignment * alignment
        withoutActuallyEscaping(body) { body in
            // The chunks are disjoint, so the workers never touch the same memory.
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let start = min(count, chunk * size)
                let end = min(count, start + size)
                if start < end { body(start..<end) }
            }
        }
    }
}
