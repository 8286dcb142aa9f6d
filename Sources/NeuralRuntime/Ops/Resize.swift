/// Resize, nearest neighbour, as the detector's FPN uses it: scales from a constant input,
/// `asymmetric` coordinates and `floor` rounding (other modes are rejected at load).
struct ResizeOperator: Operator {
    let scales: [Float]

    init(_ attributes: Attributes, scales: [Float]?) throws(RuntimeError) {
        guard try attributes.string("mode", default: "nearest") == "nearest" else { throw attributes.unsupported("only mode=nearest is supported") }
        guard try attributes.string("coordinate_transformation_mode", default: "half_pixel") == "asymmetric" else {
            throw attributes.unsupported("only coordinate_transformation_mode=asymmetric is supported")
        }
        guard try attributes.string("nearest_mode", default: "round_prefer_floor") == "floor" else {
            throw attributes.unsupported("only nearest_mode=floor is supported")
        }
        guard let scales, scales.allSatisfy({ $0 > 0 }) else { throw attributes.unsupported("scales must be a positive constant (sizes are not supported)") }
        self.scales = scales
    }

    func infer(_ inputs: [PlannedValue], node: String) throws(RuntimeError) -> [PlannedValue] {
        let shape = inputs[0].shape
        guard shape.count == 4, scales.count == 4, scales[0] == 1, scales[1] == 1, inputs[0].isFloat else {
            throw .shapeMismatch(node: node, reason: "Resize of \(shape) by \(scales): only spatial scaling of NCHW")
        }
        return [.floats(shape: [shape[0], shape[1], Int((Float(shape[2]) * scales[2]).rounded(.down)),
                                Int((Float(shape[3]) * scales[3]).rounded(.down))])]
    }

    func kernel(_ inputs: [PlannedValue], _ outputs: [PlannedValue]) -> Kernel {
        let shape = inputs[0].shape, out = outputs[0].shape
        let (height, width, outH, outW) = (shape[2], shape[3], out[2], out[3])
        let (sy, sx) = (scales[2], scales[3])
        // asymmetric + floor: source index = floor(destination / scale).
        let columns = (0..<outW).map { min(width - 1, Int((Float($0) / sx).rounded(.down))) }
        let rowsFrom = (0..<outH).map { min(height - 1, Int((Float($0) / sy).rounded(.down))) }
        let planes = shape[0] * shape[1]
        return { buffers in
            let x = buffers.input(0), y = buffers.outputs[0]
            Parallel.chunks(planes, minimumPerChunk: max(1, (1 << 15) / max(outH * outW, 1))) { range in
                for plane in range {
                    let source = x + plane * height * width, destination = y + plane * outH * outW
                    for oy in 0..<outH {
                        let row = destination + oy * outW
                        if oy > 0 && rowsFrom[oy] == rowsFrom[oy - 1] {
                            row.update(from: row - outW, count: outW)
                            continue
                        }
                        let line = source + rowsFrom[oy] * width
                        for ox in 0..<outW { row[ox] = line[columns[ox]] }
                    }
                }
            }
        }
    }
}
