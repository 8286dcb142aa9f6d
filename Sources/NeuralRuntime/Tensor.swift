#if canImport(Glibc)
import Glibc
#endif

/// A float32 tensor: a shape and strides over shared storage, so reshapes, transposes and slices are
/// zero-copy views (as in ggml or NumPy). Views share storage on purpose: writing through one is
/// visible through the others. `contiguous()` makes an independent, tightly packed copy.
public struct Tensor: @unchecked Sendable, CustomStringConvertible {
    public let shape: [Int]
    /// Elements (not bytes) between neighbours along each axis.
    public let strides: [Int]
    let storage: TensorStorage
    let offset: Int

    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    /// A zero-filled, contiguous tensor.
    public init(zeros shape: [Int]) {
        let count = shape.reduce(1, *)
        self.init(shape: shape, strides: Tensor.contiguousStrides(shape), storage: TensorStorage(count: count), offset: 0)
    }

    /// A zero-filled, contiguous tensor that `body` then writes in row-major order: an input built
    /// in place, without a staging array and its copy.
    public init(zeros shape: [Int], writing body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        self.init(zeros: shape)
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// A contiguous tensor holding `values` in row-major order.
    public init(shape: [Int], values: [Float]) throws(RuntimeError) {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw .badInput("\(values.count) values do not fill shape \(shape)")
        }
        self.init(zeros: shape)
        values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A contiguous tensor whose contents the caller is about to overwrite.
    init(uninitialized shape: [Int]) {
        self.init(shape: shape, strides: Tensor.contiguousStrides(shape), storage: TensorStorage(count: shape.reduce(1, *), zeroed: false), offset: 0)
    }

    init(shape: [Int], strides: [Int], storage: TensorStorage, offset: Int) {
        self.shape = shape
        self.strides = strides
        self.storage = storage
        self.offset = offset
    }

    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    public var isContiguous: Bool {
        var step = 1
        for axis in shape.indices.reversed() where shape[axis] != 1 {
            if strides[axis] != step { return false }
            step *= shape[axis]
        }
        return true
    }

    /// The same elements under a new shape (one dimension may be -1). A view when contiguous, a copy otherwise.
    public func reshaped(_ newShape: [Int]) throws(RuntimeError) -> Tensor {
        var resolved = newShape
        let known = newShape.filter { $0 != -1 }.reduce(1, *)
        if let free = newShape.firstIndex(of: -1) {
            guard known > 0, count % known == 0 else { throw .badInput("cannot reshape \(shape) to \(newShape)") }
            resolved[free] = count / known
        }
        guard resolved.reduce(1, *) == count, resolved.allSatisfy({ $0 >= 0 }) else {
            throw .badInput("cannot reshape \(shape) to \(newShape)")
        }
        let base = isContiguous ? self : contiguous()
        return Tensor(shape: resolved, strides: Tensor.contiguousStrides(resolved), storage: base.storage, offset: base.offset)
    }

    /// A view with the axes permuted: axis `i` of the result is axis `permutation[i]` of this tensor.
    public func transposed(_ permutation: [Int]) throws(RuntimeError) -> Tensor {
        guard permutation.sorted() == Array(0..<rank) else { throw .badInput("bad permutation \(permutation) for rank \(rank)") }
        return Tensor(shape: permutation.map { shape[$0] }, strides: permutation.map { strides[$0] }, storage: storage, offset: offset)
    }

    /// A view of `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) throws(RuntimeError) -> Tensor {
        guard shape.indices.contains(axis), range.lowerBound >= 0, range.upperBound <= shape[axis] else {
            throw .badInput("slice \(range) out of bounds for axis \(axis) of \(shape)")
        }
        var newShape = shape
        newShape[axis] = range.count
        return Tensor(shape: newShape, strides: strides, storage: storage, offset: offset + range.lowerBound * strides[axis])
    }

    /// An independent, tightly packed copy.
    public func contiguous() -> Tensor {
        let copy = Tensor(uninitialized: shape)
        copyElements(to: copy.storage.pointer)
        return copy
    }

    /// Element at a multi-index (bounds are the caller's contract, as with arrays).
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == rank, "index rank \(index.count) for a tensor of rank \(rank)")
        var position = offset
        for axis in index.indices {
            precondition(index[axis] >= 0 && index[axis] < shape[axis], "index \(index) out of bounds for \(shape)")
            position += index[axis] * strides[axis]
        }
        return storage.pointer[position]
    }

    /// All elements in row-major order.
    public var scalars: [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            copyElements(to: buffer.baseAddress!)
            initialized = count
        }
    }

    /// Calls `body` with the elements of a contiguous tensor (a packed copy is made first when needed).
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        let packed = isContiguous ? self : contiguous()
        return try body(UnsafeBufferPointer(start: packed.storage.pointer + packed.offset, count: count))
    }

    /// Writes the elements, row-major, to `destination` (which must hold `count` floats).
    func copyElements(to destination: UnsafeMutablePointer<Float>) {
        if isContiguous {
            destination.update(from: storage.pointer + offset, count: count)
            return
        }
        StridedCopy.copy(shape: shape, source: storage.pointer + offset, sourceStrides: strides,
                         destination: destination, destinationStrides: Tensor.contiguousStrides(shape))
    }

    public var description: String { "Tensor\(shape)" }
}

/// The memory behind one or more tensors: 64-byte aligned, so SIMD loops and BLAS see aligned rows.
///
/// Large blocks (the arena, feature maps, probability maps) are mapped straight from the kernel and
/// marked for transparent huge pages: the first run of a network touches hundreds of megabytes, and
/// 2 MiB pages fault in 512 times less often than 4 KiB ones. Mapped memory starts zeroed.
final class TensorStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    private let mappedBytes: Int

    /// Blocks of at least this many bytes are mapped; smaller ones come from the allocator.
    static let mappingThreshold = 4 << 20

    init(count: Int, zeroed: Bool = true) {
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        if bytes >= TensorStorage.mappingThreshold, let mapped = TensorStorage.map(bytes) {
            pointer = mapped.bindMemory(to: Float.self, capacity: max(count, 1))
            mappedBytes = bytes
            return
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        mappedBytes = 0
        if zeroed { pointer.initialize(repeating: 0, count: max(count, 1)) }
    }

    /// Anonymous private pages (page-aligned, zeroed), or nil when the kernel refuses; the caller then
    /// falls back to the allocator, which reports the shortage its own way.
    private static func map(_ bytes: Int) -> UnsafeMutableRawPointer? {
        guard let raw = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              raw != MAP_FAILED else { return nil }
        _ = madvise(raw, bytes, Int32(MADV_HUGEPAGE))   // advice only: without THP it changes nothing
        return raw
    }

    deinit {
        if mappedBytes > 0 { munmap(pointer, mappedBytes) } else { pointer.deallocate() }
    }
}

/// Copies between two strided layouts of the same shape, innermost axis in a tight loop.
enum StridedCopy {
    static func copy(shape: [Int], source: UnsafePointer<Float>, sourceStrides: [Int],
                     destination: UnsafeMutablePointer<Float>, destinationStrides: [Int]) {
        guard let last = shape.indices.last else { destination.pointee = source.pointee; return }
        if shape.contains(0) { return }
        let inner = shape[last], sourceStep = sourceStrides[last], destinationStep = destinationStrides[last]
        var index = [Int](repeating: 0, count: shape.count)
        while true {
            var s = 0, d = 0
            for axis in 0..<last { s += index[axis] * sourceStrides[axis]; d += index[axis] * destinationStrides[axis] }
            let from = source + s, to = destination + d
            if sourceStep == 1 && destinationStep == 1 {
                to.update(from: from, count: inner)
            } else {
                for i in 0..<inner { to[i * destinationStep] = from[i * sourceStep] }
            }
            var axis = last - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }
}
