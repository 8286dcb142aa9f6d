import COpenBLAS

/// The one door to OpenBLAS. Everything in qzoom that multiplies matrices goes through here,
/// so thread configuration and argument conventions live in one place.
public enum BLAS {
    /// Sets the number of OpenBLAS threads once per process. Callers that run several
    /// inferences in parallel should pass 1 to avoid oversubscribing the cores.
    public static func configureThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// C = alpha · op(A) · op(B) + beta · C, all row-major.
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
}
