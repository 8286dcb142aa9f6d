/// A BatchNormalization that could not be folded into a convolution: a per-channel scale and shift.
struct ChannelAffineOperator: Operator {
    let scale: [Float]
    let shift: [Float]

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let shape = inputs[0].shape
        guard shape.count >= 2, shape[1] == scale.count, inputs[0].isFloat else {
            throw .shapeMismatch(node: node, reason: "BatchNormalization of \(shape) with \(scale.count) channels")
        }
        return [.floats(shape: shape)]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let shape = inputs[0].shape
        let channels = shape[1], plane = shape[2...].reduce(1, *), planes = shape[0] * channels
        let scale = scale, shift = shift
        return { buffers in
            let x = buffers.input(0), y = buffers.outputs[0]
            for p in 0..<planes {
                let a = scale[p % channels], b = shift[p % channels]
                for i in 0..<plane { y[p * plane + i] = x[p * plane + i] * a + b }
            }
        }
    }
}
