import Foundation
import Testing
@testable import NeuralRuntime

/// A broken model file fails at load with an error that says what is wrong, never a crash and never
/// halfway through a run.
@Suite struct BadModelTests {
    static let repository = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var detector: URL {
        let models = ProcessInfo.processInfo.environment["QZOOM_MODELS"].map { URL(filePath: $0) } ?? repository.appending(path: "models")
        return models.appending(path: "ppocr/PP-OCRv6_det_small.onnx")
    }

    static func load(_ data: Data) throws -> Network {
        let url = FileManager.default.temporaryDirectory.appending(path: "qzoom-bad-\(UUID().uuidString).onnx")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try Network(contentsOf: url, probeShapes: [[1, 3, 32, 32]])
    }

    @Test func truncatedModelIsMalformed() throws {
        let data = try Data(contentsOf: Self.detector)
        for fraction in [0.5, 0.99] {
            let cut = data.prefix(Int(Double(data.count) * fraction))
            #expect {
                _ = try Self.load(cut)
            } throws: { error in
                guard case let .malformedModel(_, reason)? = error as? RuntimeError else { return false }
                return reason.contains("protobuf")
            }
        }
    }

    @Test func emptyAndNonProtobufFilesAreMalformed() throws {
        for data in [Data(), Data("this is not an ONNX model".utf8), Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })] {
            #expect(throws: RuntimeError.self) { _ = try Self.load(data) }
        }
        #expect(throws: RuntimeError.self) { _ = try Network(contentsOf: URL(filePath: "/nonexistent/model.onnx")) }
    }

    @Test func unknownOperatorIsNamedWithItsNode() throws {
        var model = ONNXBuilder()
        model.inputs = [("x", [1, 3, 8, 8])]
        model.outputs = ["y"]
        model.node("Relu", ["x"], ["r"])
        model.node("FancyWarp", ["r"], ["y"], name: "warp_7")
        #expect(throws: RuntimeError.unsupportedOperator(op: "FancyWarp", node: "warp_7", reason: "NeuralRuntime does not implement it")) {
            _ = try Self.load(model.data())
        }
    }

    @Test func unsupportedAttributeIsRejectedAtLoad() throws {
        var model = ONNXBuilder()
        model.inputs = [("x", [1, 3, 8, 8])]
        model.outputs = ["y"]
        model.weight("roi", [0], [])
        model.weight("scales", [4], [1, 1, 2, 2])
        model.node("Resize", ["x", "roi", "scales"], ["y"], ["mode": .string("cubic")], name: "upsample")
        #expect {
            _ = try Self.load(model.data())
        } throws: { error in
            guard case let .unsupportedOperator(op, node, _)? = error as? RuntimeError else { return false }
            return op == "Resize" && node == "upsample"
        }
    }

    @Test func weightsOfTheWrongShapeFailAtLoad() throws {
        // Conv weights for 4 input channels on a 3-channel input: caught by the probe plan at load.
        var model = ONNXBuilder()
        model.inputs = [("x", [1, 3, -1, -1])]
        model.outputs = ["y"]
        model.weight("w", [8, 4, 3, 3], [Float](repeating: 0.1, count: 8 * 4 * 9))
        model.node("Conv", ["x", "w"], ["y"], ["pads": .ints([1, 1, 1, 1])], name: "stem")
        #expect {
            _ = try Self.load(model.data())
        } throws: { error in
            guard case let .shapeMismatch(node, reason)? = error as? RuntimeError else { return false }
            return node == "stem" && reason.contains("channels")
        }
        // An initializer whose data does not fill its dims is malformed.
        var short = ONNXBuilder()
        short.inputs = [("x", [1, 3, 8, 8])]
        short.outputs = ["y"]
        short.initializers.append(("w", [8, 3, 3, 3], [Float](repeating: 0.1, count: 100), nil))
        short.node("Conv", ["x", "w"], ["y"])
        #expect {
            _ = try Self.load(short.data())
        } throws: { error in
            guard case let .malformedModel(_, reason)? = error as? RuntimeError else { return false }
            return reason.contains("dims")
        }
    }

    @Test func readingAValueNothingProducesIsMalformed() throws {
        var model = ONNXBuilder()
        model.inputs = [("x", [1, 3, 8, 8])]
        model.outputs = ["y"]
        model.node("Add", ["x", "ghost"], ["y"], name: "haunted")
        #expect {
            _ = try Self.load(model.data())
        } throws: { error in
            guard case let .malformedModel(_, reason)? = error as? RuntimeError else { return false }
            return reason.contains("haunted") && reason.contains("ghost")
        }
    }
}
