import COpenBLAS
import Foundation

/// The one door to OpenBLAS. Everything in qzoom that multiplies matrices goes through here,
/// so thread configuration and argument conventions live in one place.
///
/// Threading: OpenBLAS itself runs single-threaded, and our code splits work across `Parallel.workers`
/// threads (each calling sgemm on its own tile of columns). One pool of workers, sized once, means
/// OpenBLAS's spinning threads never compete with ours and small products are not split too finely.
public enum BLAS {
    nonisolated(unsafe) private static var configured = false

    /// Sets how many threads inference uses (default: the active cores, at most 4). Callers that run
    /// several inferences in parallel should pass 1 to avoid oversubscribing the cores.
    public static func configureThreads(_ count: Int) {
        openblas_set_num_threads(1)
        Parallel.workers = max(1, count)
        configured = true
    }

    /// Applies the default configuration unless `configureThreads` was called (networks call this at load,
    /// the ONNX ones and MiniLM alike, so that OpenBLAS never starts threads of its own).
    public static func ensureConfigured() {
        if !configured { configureThreads(min(4, ProcessInfo.processInfo.activeProcessorCount)) }
    }

    public static var threads: Int { Parallel.workers }

    /// C = alpha · op(A) · op(B) + beta · C, all row-major, on the calling thread.
    /// A is m×k (k×m when `transposeA`), B is k×n (n×k when `transposeB`), C is m×n.
    /// `lda`, `ldb`, `ldc` default to tightly packed rows.
    @inlinable
    public static func sgemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int? = nil, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int? = nil, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int? = nil,
        alpha: Float = 1, beta: Float = 0
    ) {
        let lda = lda ?? (transposeA ? m : k)
        let ldb = ldb ?? (transposeB ? k : n)
        let ldc = ldc ?? n
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// As `sgemm` (B not transposed), with the columns of B and C split across the workers.
    public static func parallelSgemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int? = nil, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int? = nil,
        c: UnsafeMutablePointer<Float>, ldc: Int? = nil, beta: Float = 0
    ) {
        let ldb = ldb ?? n, ldc = ldc ?? n
        // Below ~64 columns per worker, or a small product overall, one thread is faster.
        let minimum = max(64, (1 << 21) / max(1, m * k))
        Parallel.chunks(n, minimumPerChunk: minimum, alignment: 16) { columns in
            sgemm(m: m, n: columns.count, k: k, a: a, lda: lda, transposeA: transposeA,
                  b: b + columns.lowerBound, ldb: ldb, c: c + columns.lowerBound, ldc: ldc, beta: beta)
        }
    }
}
