/// Builds the operator for each node. The `switch` in `make` is the list of what NeuralRuntime
/// implements: exactly the operators of the bundled PP-OCR detector, recognizer and orientation
/// classifier. Anything else is rejected here, at load, with the operator and node named.
enum OperatorRegistry {
    /// The operator and the inputs it reads at run time (constant weights are taken in by the operator).
    static func make(_ node: GraphDraft.Node, draft: GraphDraft, opset: Int) throws(RuntimeError) -> (Operator, [String]) {
        let onnx = node.onnx
        let attributes = Attributes(node: onnx)
        let inputs = onnx.inputs
        func constantFloats(_ index: Int, _ what: String) throws(RuntimeError) -> ConstantTensor {
            guard index < inputs.count, let tensor = draft.constants[inputs[index]], case .floats = tensor.values else {
                throw attributes.unsupported("\(what) must be a constant float tensor")
            }
            return tensor
        }
        func floats(_ tensor: ConstantTensor) -> [Float] { if case let .floats(v) = tensor.values { return v } else { return [] } }
        guard !inputs.isEmpty || onnx.opType == "Constant" else { throw attributes.unsupported("the node has no inputs") }

        switch onnx.opType {
        case "Conv", "ConvTranspose":
            let w = try constantFloats(1, "the weight")
            guard w.dims.count == 4 else { throw .shapeMismatch(node: onnx.name, reason: "weights of shape \(w.dims); 2-D convolution needs 4-D weights") }
            let kernel = try attributes.ints("kernel_shape") ?? Array(w.dims[2...])
            guard kernel == Array(w.dims[2...]) else { throw .shapeMismatch(node: onnx.name, reason: "kernel_shape \(kernel) but weights \(w.dims)") }
            let geometry = try ConvolutionGeometry(attributes, kernel: kernel)
            let outChannels = onnx.opType == "Conv" ? w.dims[0] : w.dims[1]
            var bias = [Float](repeating: 0, count: outChannels)
            if inputs.count > 2, !inputs[2].isEmpty {
                bias = floats(try constantFloats(2, "the bias"))
                guard bias.count == outChannels else { throw .shapeMismatch(node: onnx.name, reason: "bias of \(bias.count) for \(outChannels) channels") }
            }
            let group = try attributes.int("group", default: 1)
            if onnx.opType == "ConvTranspose" {
                guard group == 1 else { throw attributes.unsupported("grouped ConvTranspose") }
                guard try attributes.ints("output_padding").map({ $0.allSatisfy { $0 == 0 } }) ?? true,
                      try attributes.ints("output_shape") == nil, geometry.autoPad == .explicit else {
                    throw attributes.unsupported("output_padding, output_shape and auto_pad are not supported")
                }
                return (ConvTransposeOperator(weights: floats(w), weightShape: w.dims, bias: bias, geometry: geometry,
                                              activation: node.activation), [inputs[0]])
            }
            guard group >= 1, w.dims[0] % group == 0 else { throw attributes.unsupported("group \(group) for \(w.dims[0]) output channels") }
            return (ConvolutionOperator(weights: floats(w), weightShape: w.dims, bias: bias, group: group,
                                        geometry: geometry, activation: node.activation), [inputs[0]])
        case "BatchNormalization":
            let parts = try (1...4).map { i throws(RuntimeError) in floats(try constantFloats(i, "BatchNormalization parameter \(i)")) }
            guard Set(parts.map(\.count)).count == 1 else { throw .shapeMismatch(node: onnx.name, reason: "BatchNormalization parameters differ in length") }
            let epsilon = try attributes.float("epsilon", default: 1e-5)
            let scale = parts[0].indices.map { parts[0][$0] / (parts[3][$0] + epsilon).squareRoot() }
            let shift = parts[0].indices.map { parts[1][$0] - parts[2][$0] * scale[$0] }
            return (ChannelAffineOperator(scale: scale, shift: shift), [inputs[0]])
        case "MatMul":
            var op = MatMulOperator(activation: node.activation)
            if inputs.count > 2 { op.bias = floats(try constantFloats(2, "the bias")) }
            return (op, Array(inputs.prefix(2)))
        case "Softmax":
            return (SoftmaxOperator(axis: try attributes.int("axis", default: opset < 13 ? 1 : -1), coerceTo2D: opset < 13), inputs)
        case "Add": return (BinaryOperator(function: .add), inputs)
        case "Sub": return (BinaryOperator(function: .sub), inputs)
        case "Mul": return (BinaryOperator(function: .mul), inputs)
        case "Div": return (BinaryOperator(function: .div), inputs)
        case "Pow": return (BinaryOperator(function: .pow), inputs)
        case "Relu", "Sigmoid", "HardSigmoid", "Erf", "Sqrt", "Clip", "qzoom.Gelu", "qzoom.HardSwish":
            return (UnaryOperator(activation: try activation(of: onnx, draft: draft)), [inputs[0]])
        case "MaxPool", "AveragePool":
            guard try attributes.int("ceil_mode", default: 0) == 0 else { throw attributes.unsupported("ceil_mode=1") }
            guard try attributes.ints("dilations").map({ $0.allSatisfy { $0 == 1 } }) ?? true else { throw attributes.unsupported("dilated pooling") }
            guard onnx.outputs.count == 1 else { throw attributes.unsupported("MaxPool indices output") }
            guard let kernel = try attributes.ints("kernel_shape") else { throw attributes.unsupported("kernel_shape is required") }
            let geometry = try ConvolutionGeometry(attributes, kernel: kernel)
            let kind: PoolOperator.Kind = onnx.opType == "MaxPool" ? .max
                : .average(countIncludePad: try attributes.int("count_include_pad", default: 0) == 1)
            return (PoolOperator(kind: kind, geometry: geometry), [inputs[0]])
        case "GlobalAveragePool":
            return (ReduceMeanOperator(axes: [2, 3], keepDims: true), [inputs[0]])
        case "ReduceMean":
            return (ReduceMeanOperator(axes: try attributes.ints("axes"), keepDims: try attributes.int("keepdims", default: 1) == 1), [inputs[0]])
        case "Resize":
            let scales = inputs.count > 2 ? draft.floats(inputs[2]) : nil
            return (try ResizeOperator(attributes, scales: scales), [inputs[0]])
        case "Shape": return (ShapeOperator(), [inputs[0]])
        case "Reshape":
            guard try attributes.int("allowzero", default: 0) == 0 else { throw attributes.unsupported("allowzero=1") }
            return (ViewOperator(kind: .reshape), inputs)
        case "Squeeze":
            guard inputs.count == 1 else { throw attributes.unsupported("axes as an input (opset 13) is not supported") }
            return (ViewOperator(kind: .squeeze(axes: try attributes.ints("axes"))), inputs)
        case "Unsqueeze":
            guard inputs.count == 1, let axes = try attributes.ints("axes") else { throw attributes.unsupported("axes must be an attribute (opset 11)") }
            return (ViewOperator(kind: .unsqueeze(axes: axes)), inputs)
        case "Identity": return (ViewOperator(kind: .identity), inputs)
        case "Cast":
            let to = try attributes.int("to")
            guard [1, 6, 7].contains(to) else { throw attributes.unsupported("cast to data type \(to)") }
            return (CastOperator(toFloat: to == 1), inputs)
        case "Slice":
            guard inputs.count >= 3 else { throw attributes.unsupported("Slice needs starts and ends inputs (opset 10+)") }
            return (SliceOperator(), inputs)
        case "Concat": return (ConcatOperator(axis: try attributes.int("axis")), inputs)
        case "Transpose": return (TransposeOperator(permutation: try attributes.ints("perm")), inputs)
        default:
            throw .unsupportedOperator(op: onnx.opType, node: onnx.name, reason: "NeuralRuntime does not implement it")
        }
    }

    /// The activation a pointwise node computes (Clip bounds must be constants).
    static func activation(of node: ONNXNode, draft: GraphDraft) throws(RuntimeError) -> Activation {
        let attributes = Attributes(node: node)
        switch node.opType {
        case "Relu": return .relu
        case "Sigmoid": return .sigmoid
        case "HardSigmoid": return .hardSigmoid(alpha: try attributes.float("alpha", default: 0.2), beta: try attributes.float("beta", default: 0.5))
        case "Erf": return .erf
        case "Sqrt": return .sqrt
        case "qzoom.Gelu": return .gelu
        case "qzoom.HardSwish": return .hardSwish
        case "Clip":
            // Opset 11+: bounds are optional inputs; before, attributes.
            let lower = node.inputs.count > 1 && !node.inputs[1].isEmpty ? draft.scalar(node.inputs[1]) : try attributes.float("min", default: -.infinity)
            let upper = node.inputs.count > 2 && !node.inputs[2].isEmpty ? draft.scalar(node.inputs[2]) : try attributes.float("max", default: .infinity)
            guard let lower, let upper else { throw attributes.unsupported("Clip bounds must be constants") }
            return .clip(min: lower, max: upper)
        default: throw attributes.unsupported("not a pointwise activation")
        }
    }
}
