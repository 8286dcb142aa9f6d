import Foundation
import Testing
@testable import NeuralRuntime

/// The worker pool behind `Parallel.chunks`, and the reuse of output storage between runs: every index
/// is done exactly once whether the helpers are spinning, asleep, busy with another caller's job or
/// called from inside a job, and an output the caller still holds is never written by a later run.
@Suite struct ParallelTests {
    /// Runs `chunks` over `count` items and returns how often each index was visited.
    /// The ranges are disjoint when the pool is right, so plain counters are enough to see a range
    /// done twice or not at all.
    static func visits(_ count: Int) -> [Int] {
        let counters = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
        defer { counters.deallocate() }
        counters.initialize(repeating: 0)
        Parallel.chunks(count, minimumPerChunk: 1) { worker, range in
            #expect((0..<Parallel.workers).contains(worker))
            for i in range { counters[i] += 1 }
        }
        return Array(counters)
    }

    @Test func everyIndexOnceAcrossManyJobs() throws {
        BLAS.ensureConfigured()
        for round in 0..<300 {
            let count = 1 + round % 97
            #expect(Self.visits(count) == [Int](repeating: 1, count: count), "job \(round) of \(count) items")
            // Now and then the helpers are left long enough to fall asleep.
            if round % 50 == 0 { Thread.sleep(forTimeInterval: 0.01) }
        }
    }

    @Test func nestedAndConcurrentCallsStillDoEveryIndexOnce() async throws {
        BLAS.ensureConfigured()
        let outer = 16, inner = 40
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let counters = UnsafeMutableBufferPointer<Int>.allocate(capacity: outer * inner)
                    defer { counters.deallocate() }
                    counters.initialize(repeating: 0)
                    Parallel.chunks(outer, minimumPerChunk: 1) { range in
                        for o in range {
                            // A call from inside a job runs on its caller alone.
                            Parallel.chunks(inner, minimumPerChunk: 1) { innerRange in
                                for i in innerRange { counters[o * inner + i] += 1 }
                            }
                        }
                    }
                    return counters.allSatisfy { $0 == 1 }
                }
            }
            for try await allOnce in group { #expect(allOnce) }
        }
    }

    @Test func anOutputTheCallerKeepsIsNotOverwrittenByTheNextRun() throws {
        var model = ONNXBuilder()
        model.inputs = [("x", [1, 2, 4, 4])]
        model.node("Relu", ["x"], ["y"])
        model.outputs = ["y"]
        let network = try model.network()
        let first = try Tensor(shape: [1, 2, 4, 4], values: (0..<32).map(Float.init))
        let second = try Tensor(shape: [1, 2, 4, 4], values: (0..<32).map { Float($0 + 100) })
        let kept = try #require(try network.run([first])["y"])
        let reused: UnsafeMutablePointer<Float>
        do {
            let next = try #require(try network.run([second])["y"])
            #expect(kept.scalars == first.scalars, "the first result is still the first input")
            #expect(next.scalars == second.scalars)
            #expect(kept.storage !== next.storage)
            reused = next.storage.pointer
        }
        // Once the caller has let go of it, the next run writes into the same memory again.
        let third = try #require(try network.run([first])["y"])
        #expect(third.storage.pointer == reused)
        #expect(third.scalars == first.scalars)
    }
}
