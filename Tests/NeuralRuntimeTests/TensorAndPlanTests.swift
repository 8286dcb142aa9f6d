import Foundation
import Testing
@testable import NeuralRuntime

/// Strided views, and the planner's buffer reuse.
@Suite struct TensorAndPlanTests {
    @Test func viewsShareStorageAndCopiesDoNot() throws {
        let t = try Tensor(shape: [2, 3, 4], values: (0..<24).map(Float.init))
        let transposed = try t.transposed([2, 0, 1])
        #expect(transposed.shape == [4, 2, 3])
        #expect(!transposed.isContiguous)
        #expect(transposed[3, 1, 2] == t[1, 2, 3])
        #expect(transposed.storage === t.storage)
        let slice = try t.slice(axis: 1, 1..<3)
        #expect(slice.scalars == [4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23])
        #expect(slice.storage === t.storage)
        let reshaped = try t.reshaped([6, -1])
        #expect(reshaped.shape == [6, 4] && reshaped.storage === t.storage)
        let packed = transposed.contiguous()
        #expect(packed.isContiguous && packed.storage !== t.storage)
        #expect(packed.scalars == transposed.scalars)
        #expect(throws: RuntimeError.self) { try t.reshaped([5, 5]) }
        #expect(throws: RuntimeError.self) { try Tensor(shape: [2, 2], values: [1, 2, 3]) }
    }

    @Test func arenaReusesTheMemoryOfDeadValues() throws {
        // A chain of ten convolutions over the same size: only two activations are alive at a time.
        var noise = Noise(47)
        var model = ONNXBuilder()
        model.inputs = [("x", [1, 4, 32, 32])]
        var previous = "x"
        let weights = (0..<10).map { _ in noise.values(16) }
        for i in 0..<10 {
            model.weight("w\(i)", [4, 4, 1, 1], weights[i])
            model.node("Conv", [previous, "w\(i)"], ["c\(i)"])
            previous = "c\(i)"
        }
        model.outputs = [previous]
        let network = try model.network()
        let plan = try ExecutionPlan(network: network.graph, inputShapes: [[1, 4, 32, 32]], features: [])
        let activation = 4 * 32 * 32
        #expect(plan.arenaCount <= 2 * activation, "arena of \(plan.arenaCount) floats for 10 values of \(activation)")
        #expect(try network.multiplyAdds(inputShapes: [[1, 4, 32, 32]]) == 10 * activation * 4)
        // Same result as applying the layers one by one.
        let x = noise.tensor([1, 4, 32, 32])
        var expected = x.scalars
        for w in weights {
            expected = Reference.conv(expected, [1, 4, 32, 32], weights: w, weightShape: [4, 4, 1, 1], bias: nil).values
        }
        let y = try #require(try network.run([x])[previous])
        #expect(maxAbsDifference(y.scalars, expected) <= 1e-4)
    }

    @Test func aFeatureKeepsItsBufferOnlyWhenARunAsksForIt() throws {
        // x → c0 → c1 → c2 → c3 with c0 loadable as a feature: kept, it must survive c1 and c2 being
        // written; not kept, c2 takes its memory.
        var noise = Noise(53)
        var model = ONNXBuilder()
        model.inputs = [("x", [1, 4, 16, 16])]
        let weights = (0..<4).map { _ in noise.values(16) }
        for i in 0..<4 {
            model.weight("w\(i)", [4, 4, 1, 1], weights[i])
            model.node("Conv", [i == 0 ? "x" : "c\(i - 1)", "w\(i)"], ["c\(i)"])
        }
        model.outputs = ["c3"]
        let network = try model.network(features: ["c0"])
        let c0 = try #require(network.graph.valueIDs["c0"])
        let plain = try ExecutionPlan(network: network.graph, inputShapes: [[1, 4, 16, 16]], features: [])
        let keeping = try ExecutionPlan(network: network.graph, inputShapes: [[1, 4, 16, 16]], features: [c0])
        #expect(plain.arenaCount < keeping.arenaCount, "an unread feature is an ordinary intermediate")

        let x = noise.tensor([1, 4, 16, 16])
        let expected = Reference.conv(x.scalars, [1, 4, 16, 16], weights: weights[0], weightShape: [4, 4, 1, 1], bias: nil).values
        let withFeature = try network.run([x], features: ["c0"])
        #expect(maxAbsDifference(try #require(withFeature["c0"]).scalars, expected) <= 1e-5)
        // A run that does not ask gives the same output and no feature; the next run that asks gets it.
        let without = try network.run([x])
        #expect(without["c0"] == nil)
        #expect(maxAbsDifference(try #require(without["c3"]).scalars, try #require(withFeature["c3"]).scalars) == 0)
        let again = try network.run([x], features: ["c0"])
        #expect(maxAbsDifference(try #require(again["c0"]).scalars, expected) <= 1e-5)
    }

    @Test func allocatorMergesFreedNeighbours() {
        var arena = ArenaAllocator()
        let a = arena.allocate(100), b = arena.allocate(100), c = arena.allocate(100)
        arena.release(a, 100)
        arena.release(b, 100)
        #expect(arena.allocate(200) == a, "two freed neighbours form one block")
        arena.release(c, 100)
        #expect(arena.high == 3 * 112)
    }

    @Test func inputsOfTheWrongShapeAreRejected() throws {
        var model = ONNXBuilder()
        model.inputs = [("x", [1, 3, -1, -1])]
        model.outputs = ["y"]
        model.node("Relu", ["x"], ["y"])
        let network = try model.network()
        #expect(throws: RuntimeError.self) { try network.run([Tensor(zeros: [1, 4, 8, 8])]) }
        #expect(throws: RuntimeError.self) { try network.run([]) }
        #expect(try network.run([Tensor(zeros: [1, 3, 5, 6])])["y"]?.shape == [1, 3, 5, 6])
    }
}
