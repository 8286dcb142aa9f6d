/// Load-time rewrites. Each one replaces a chain of nodes by one node with the same result, and
/// only when the intermediate values are read by nothing else (and were not asked for by the caller).
extension GraphDraft {
    mutating func optimize() {
        foldConstantViews()
        foldBatchNormIntoConvolution()
        foldBiasAdds()
        recognizeGELU()
        recognizeHardSwish()
        fuseActivations()
        removeDeadNodes()
    }

    /// Reshape/Squeeze/Unsqueeze/Cast of a constant is a constant (the classifier reshapes its biases).
    mutating func foldConstantViews() {
        for index in nodes.indices where !nodes[index].removed {
            let node = nodes[index].onnx
            guard ["Reshape", "Squeeze", "Unsqueeze", "Cast"].contains(node.opType),
                  let source = node.inputs.first, let constant = constants[source], let output = node.outputs.first,
                  !protected.contains(output) else { continue }
            let count = constant.dims.reduce(1, *)
            var dims: [Int]
            switch node.opType {
            case "Reshape":
                guard node.inputs.count == 2, var target = ints(node.inputs[1]) else { continue }
                target = target.enumerated().map { $1 == 0 && $0 < constant.dims.count ? constant.dims[$0] : $1 }
                if let free = target.firstIndex(of: -1) {
                    let known = target.enumerated().filter { $0.offset != free }.map(\.element).reduce(1, *)
                    guard known > 0 else { continue }
                    target[free] = count / known
                }
                dims = target
            case "Squeeze": dims = constant.dims.filter { $0 != 1 }
            case "Unsqueeze":
                guard case let .ints(axes)? = node.attributes["axes"] else { continue }
                dims = constant.dims
                for axis in axes.sorted() { dims.insert(1, at: min(max(axis < 0 ? axis + dims.count + 1 : axis, 0), dims.count)) }
            default:
                // Cast to float of a float constant, or to int64/int32 of an int constant.
                guard case let .int(to)? = node.attributes["to"] else { continue }
                let isFloat: Bool = if case .floats = constant.values { true } else { false }
                guard (to == 1) == isFloat else { continue }
                dims = constant.dims
            }
            guard dims.reduce(1, *) == count else { continue }
            constants[output] = ConstantTensor(name: output, dims: dims, values: constant.values)
            nodes[index].removed = true
        }
    }

    /// Conv → BatchNormalization becomes one Conv with scaled weights and a shifted bias.
    mutating func foldBatchNormIntoConvolution() {
        let producers = producers(), counts = consumerCounts()
        for index in nodes.indices where nodes[index].op == "BatchNormalization" && !nodes[index].removed {
            let bn = nodes[index].onnx
            guard bn.inputs.count == 5, let x = bn.inputs.first, let convIndex = producers[x],
                  nodes[convIndex].op == "Conv", counts[x] == 1, !protected.contains(x),
                  let scale = floats(bn.inputs[1]), let shift = floats(bn.inputs[2]),
                  let mean = floats(bn.inputs[3]), let variance = floats(bn.inputs[4]),
                  case let .floats(weights)? = constants[nodes[convIndex].onnx.inputs[1]]?.values,
                  let outChannels = constants[nodes[convIndex].onnx.inputs[1]]?.dims.first,
                  [scale.count, shift.count, mean.count, variance.count].allSatisfy({ $0 == outChannels }) else { continue }
            let epsilon: Float = if case let .float(e)? = bn.attributes["epsilon"] { e } else { 1e-5 }
            var conv = nodes[convIndex].onnx
            var bias = conv.inputs.count > 2 ? (floats(conv.inputs[2]) ?? []) : []
            if bias.count != outChannels { bias = [Float](repeating: 0, count: outChannels) }
            let perChannel = weights.count / outChannels
            var folded = weights
            for c in 0..<outChannels {
                let factor = scale[c] / (variance[c] + epsilon).squareRoot()
                for i in 0..<perChannel { folded[c * perChannel + i] *= factor }
                bias[c] = (bias[c] - mean[c]) * factor + shift[c]
            }
            let weightName = conv.name + "#folded-weights", biasName = conv.name + "#folded-bias"
            constants[weightName] = ConstantTensor(name: weightName, dims: constants[conv.inputs[1]]!.dims, values: .floats(folded))
            constants[biasName] = ConstantTensor(name: biasName, dims: [outChannels], values: .floats(bias))
            conv.inputs = [conv.inputs[0], weightName, biasName]
            conv.outputs = bn.outputs
            nodes[convIndex].onnx = conv
            nodes[index].removed = true
        }
    }

    /// Conv → Add(per-channel constant) and MatMul → Add(row constant) put the constant into the bias.
    mutating func foldBiasAdds() {
        let producers = producers(), counts = consumerCounts()
        for index in nodes.indices where nodes[index].op == "Add" && !nodes[index].removed {
            let add = nodes[index].onnx
            guard add.inputs.count == 2 else { continue }
            for (x, c) in [(add.inputs[0], add.inputs[1]), (add.inputs[1], add.inputs[0])] {
                guard let producer = producers[x], counts[x] == 1, !protected.contains(x),
                      let constant = constants[c], case let .floats(values) = constant.values else { continue }
                var target = nodes[producer].onnx
                guard nodes[producer].activation == nil else { continue }
                let channels: Int?
                switch target.opType {
                case "Conv", "ConvTranspose":
                    // Conv weights are [out, in, kh, kw]; ConvTranspose weights are [in, out, kh, kw].
                    let weightDims = constants[target.inputs[1]]?.dims ?? []
                    channels = weightDims.count == 4 ? weightDims[target.opType == "Conv" ? 0 : 1] : nil
                    let d = constant.dims
                    // [1,C,1,1] or [C,1,1] against an NCHW output: one value per output channel.
                    guard let channels, values.count == channels,
                          (d.count == 4 && d[0] == 1 && d[1] == channels && d[2] == 1 && d[3] == 1)
                              || (d.count == 3 && d[0] == channels && d[1] == 1 && d[2] == 1) else { continue }
                case "MatMul":
                    channels = constants[target.inputs[1]]?.dims.last
                    guard let channels, values.count == channels, constant.dims.last == channels, constants[target.inputs[1]]?.dims.count == 2 else { continue }
                default: continue
                }
                var bias = target.inputs.count > 2 ? (floats(target.inputs[2]) ?? values.map { _ in 0 }) : values.map { _ in 0 }
                for i in bias.indices { bias[i] += values[i] }
                let biasName = target.name + "#bias"
                constants[biasName] = ConstantTensor(name: biasName, dims: [bias.count], values: .floats(bias))
                target.inputs = Array(target.inputs.prefix(2)) + [biasName]
                target.outputs = add.outputs
                nodes[producer].onnx = target
                nodes[index].removed = true
                break
            }
        }
    }

    /// Div(x, √2) → Erf → Add(1) → Mul(x) → Mul(0.5), the exact GELU as exported, becomes one node.
    mutating func recognizeGELU() {
        let consumers = consumers(), counts = consumerCounts()
        func only(_ value: String, _ op: String) -> Int? {
            guard counts[value] == 1, !protected.contains(value), let next = consumers[value]?.first, nodes[next].op == op else { return nil }
            return next
        }
        func other(_ node: ONNXNode, _ value: String) -> String? { node.inputs.count == 2 ? (node.inputs[0] == value ? node.inputs[1] : node.inputs[0]) : nil }
        for index in nodes.indices where nodes[index].op == "Div" && !nodes[index].removed {
            let div = nodes[index].onnx
            guard div.inputs.count == 2, let d = scalar(div.inputs[1]), abs(d - 1.4142135) < 1e-5,
                  let erf = only(div.outputs[0], "Erf"), let add = only(nodes[erf].onnx.outputs[0], "Add"),
                  let one = other(nodes[add].onnx, nodes[erf].onnx.outputs[0]), scalar(one) == 1,
                  let mulX = only(nodes[add].onnx.outputs[0], "Mul"),
                  other(nodes[mulX].onnx, nodes[add].onnx.outputs[0]) == div.inputs[0],
                  let half = only(nodes[mulX].onnx.outputs[0], "Mul"),
                  let h = other(nodes[half].onnx, nodes[mulX].onnx.outputs[0]), scalar(h) == 0.5 else { continue }
            for removed in [index, erf, add, mulX] { nodes[removed].removed = true }
            nodes[half].onnx = ONNXNode(name: nodes[half].name, opType: "qzoom.Gelu", inputs: [div.inputs[0]], outputs: nodes[half].onnx.outputs)
        }
    }

    /// Add(x, 3) → Clip(0, 6) → Mul(x) → Div(6), hard-swish as exported by Paddle, becomes one node.
    mutating func recognizeHardSwish() {
        let consumers = consumers(), counts = consumerCounts()
        func only(_ value: String, _ op: String) -> Int? {
            guard counts[value] == 1, !protected.contains(value), let next = consumers[value]?.first, nodes[next].op == op else { return nil }
            return next
        }
        for index in nodes.indices where nodes[index].op == "Add" && !nodes[index].removed {
            let add = nodes[index].onnx
            guard add.inputs.count == 2, scalar(add.inputs[1]) == 3,
                  let clip = only(add.outputs[0], "Clip"), nodes[clip].onnx.inputs.count == 3,
                  scalar(nodes[clip].onnx.inputs[1]) == 0, scalar(nodes[clip].onnx.inputs[2]) == 6,
                  let mul = only(nodes[clip].onnx.outputs[0], "Mul"), nodes[mul].onnx.inputs.contains(add.inputs[0]),
                  let div = only(nodes[mul].onnx.outputs[0], "Div"), scalar(nodes[div].onnx.inputs[1]) == 6 else { continue }
            for removed in [index, clip, mul] { nodes[removed].removed = true }
            nodes[div].onnx = ONNXNode(name: nodes[div].name, opType: "qzoom.HardSwish", inputs: [add.inputs[0]], outputs: nodes[div].onnx.outputs)
        }
    }

    /// Conv/ConvTranspose/MatMul → activation applies the activation in the producer's epilogue.
    mutating func fuseActivations() {
        let producers = producers(), counts = consumerCounts()
        for index in nodes.indices where !nodes[index].removed {
            let node = nodes[index].onnx
            guard let x = node.inputs.first, let producer = producers[x], counts[x] == 1, !protected.contains(x),
                  ["Conv", "ConvTranspose", "MatMul"].contains(nodes[producer].op), nodes[producer].activation == nil,
                  let activation = try? OperatorRegistry.activation(of: node, draft: self) else { continue }
            nodes[producer].activation = activation
            nodes[producer].onnx.outputs = node.outputs
            nodes[index].removed = true
        }
    }
}
