import Foundation
import Testing
@testable import NeuralRuntime

/// A safetensors file that a test writes itself: tensors are laid out back to back, as the format requires,
/// unless a test overrides the header to make it wrong on purpose.
struct SafetensorsFixture {
    struct Tensor {
        var name: String
        var dtype: String
        var shape: [Int]
        var bytes: [UInt8]
    }

    var tensors: [Tensor] = []
    var metadata: [String: String]? = ["format": "pt"]

    mutating func add(_ name: String, shape: [Int], floats: [Float]) {
        tensors.append(Tensor(name: name, dtype: "F32", shape: shape,
                              bytes: floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }))
    }

    /// The header entries as JSON-ready dictionaries, offsets back to back.
    func headerObject() -> [String: Any] {
        var object: [String: Any] = [:]
        if let metadata { object["__metadata__"] = metadata }
        var offset = 0
        for tensor in tensors {
            object[tensor.name] = ["dtype": tensor.dtype, "shape": tensor.shape,
                                   "data_offsets": [offset, offset + tensor.bytes.count]]
            offset += tensor.bytes.count
        }
        return object
    }

    func encoded(header: String? = nil) throws -> Data {
        let json = try header.map { Data($0.utf8) } ?? JSONSerialization.data(withJSONObject: headerObject(),
                                                                           options: [.sortedKeys])
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for tensor in tensors { out.append(contentsOf: tensor.bytes) }
        return out
    }

    /// Writes the file into a fresh temporary directory and returns its URL.
    func write(header: String? = nil, named name: String = "model.safetensors") throws -> URL {
        try Self.write(encoded(header: header), named: name)
    }

    static func write(_ data: Data, named name: String = "model.safetensors") throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appending(path: "qzoom-safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appending(path: name)
        try data.write(to: url)
        return url
    }

    /// Deletes the directory `write` made for `url`.
    static func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
    }

    static func headerJSON(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

@Suite struct SafetensorsTests {
    static func twoTensors() -> SafetensorsFixture {
        var fixture = SafetensorsFixture()
        fixture.add("layer.weight", shape: [2, 3], floats: [1, -2, 3.5, 0, 1e-8, -7e30])
        fixture.add("layer.bias", shape: [3], floats: [0.25, 0.5, 0.75])
        return fixture
    }

    func open(_ data: Data) -> Result<SafetensorsFile, SafetensorsError> {
        Result { () throws(SafetensorsError) in try SafetensorsFile(data: data, path: "test.safetensors") }
    }

    func error(_ data: Data) -> SafetensorsError? {
        if case .failure(let error) = open(data) { error } else { nil }
    }

    func error(header: [String: Any], data: [UInt8]) throws -> SafetensorsError? {
        var fixture = SafetensorsFixture()
        fixture.tensors = [.init(name: "_", dtype: "U8", shape: [data.count], bytes: data)]
        return error(try fixture.encoded(header: SafetensorsFixture.headerJSON(header)))
    }

    @Test func readsFloatTensorsShapesAndMetadataFromAFile() throws {
        let url = try Self.twoTensors().write()
        defer { SafetensorsFixture.remove(url) }
        let file = try SafetensorsFile(contentsOf: url)
        #expect(file.path == url.path)
        #expect(file.metadata == ["format": "pt"])
        #expect(Set(file.tensors.keys) == ["layer.weight", "layer.bias"])
        #expect(file.tensors["layer.weight"]?.shape == [2, 3])
        #expect(file.tensors["layer.weight"]?.dtype == .f32)
        #expect(try file.floats("layer.weight", shape: [2, 3]) == [1, -2, 3.5, 0, 1e-8, -7e30])
        #expect(try file.floats("layer.bias", shape: [3]) == [0.25, 0.5, 0.75])
    }

    @Test func writesFilesItReadsBack() throws {
        let tensors: [String: SafetensorsFile.FloatTensor] = [
            "b.weight": .init(shape: [2, 2], values: [1, 2, 3, -4]),
            "a \"quoted\"\n\\name": .init(shape: [1], values: [.pi]),
            "empty": .init(shape: [0], values: []),
        ]
        let data = SafetensorsFile.encode(tensors, metadata: ["format": "pt", "note": "tab\there"])
        #expect((data.count - 8 - 4 * 5) % 8 == 0, "the header is padded to 8 bytes")
        let file = try SafetensorsFile(data: data, path: "x")
        #expect(file.metadata == ["format": "pt", "note": "tab\there"])
        for (name, tensor) in tensors {
            #expect(try file.floats(name, shape: tensor.shape) == tensor.values)
        }
    }

    @Test func acceptsScalarsAndEmptyTensorsAndNoMetadata() throws {
        var fixture = SafetensorsFixture()
        fixture.metadata = nil
        fixture.add("empty", shape: [0, 4], floats: [])
        fixture.add("scalar", shape: [], floats: [42])
        fixture.add("alsoEmpty", shape: [3, 0], floats: [])
        let file = try SafetensorsFile(data: fixture.encoded(), path: "x")
        #expect(file.metadata.isEmpty)
        #expect(try file.floats("scalar", shape: []) == [42])
        #expect(try file.floats("empty", shape: [0, 4]) == [])
    }

    @Test func convertsEveryHalfExactly() throws {
        // Float16 is the independent reference where the platform has it; the spot checks hold everywhere.
        #if !(os(macOS) && arch(x86_64))
        for bits in UInt16.min...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let got = SafetensorsFile.floatFromHalf(bits)
            #expect(got.bitPattern == expected.bitPattern || (got.isNaN && expected.isNaN), "half 0x\(String(bits, radix: 16))")
        }
        #endif
        let spots: [(UInt16, Float)] = [(0x3C00, 1), (0xC000, -2), (0x7BFF, 65504), (0x0001, 0x1p-24),
                                        (0x03FF, 1023 * 0x1p-24), (0x0400, 0x1p-14), (0x8000, -0.0),
                                        (0x7C00, .infinity), (0xFC00, -.infinity), (0x3555, 0.333251953125)]
        for (bits, value) in spots { #expect(SafetensorsFile.floatFromHalf(bits).bitPattern == value.bitPattern) }
        #expect(SafetensorsFile.floatFromHalf(0x7E00).isNaN)
    }

    @Test func convertsF16BF16AndF64Tensors() throws {
        var fixture = SafetensorsFixture()
        fixture.tensors = [
            .init(name: "half", dtype: "F16", shape: [3], bytes: [0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35]),
            .init(name: "brain", dtype: "BF16", shape: [2], bytes: [0x80, 0x3F, 0x49, 0xC0]),  // 1, -3.140625
            .init(name: "double", dtype: "F64", shape: [1], bytes: withUnsafeBytes(of: (0.1).bitPattern.littleEndian, Array.init)),
        ]
        let file = try SafetensorsFile(data: fixture.encoded(), path: "x")
        #expect(try file.floats("half", shape: [3]) == [1, -2, 0.333251953125])
        #expect(try file.floats("brain", shape: [2]) == [1, -3.140625])
        #expect(try file.floats("double", shape: [1]) == [Float(0.1)])
    }

    @Test func integerTensorsLoadButAreNotFloats() throws {
        var fixture = SafetensorsFixture()
        fixture.tensors = [.init(name: "position_ids", dtype: "I64", shape: [1, 2], bytes: Array(repeating: 0, count: 16))]
        let file = try SafetensorsFile(data: fixture.encoded(), path: "x.safetensors")
        #expect(file.tensors["position_ids"]?.dtype == .i64)
        #expect(throws: SafetensorsError.notFloatingPoint(path: "x.safetensors", tensor: "position_ids", dtype: "I64")) {
            try file.floats("position_ids", shape: [1, 2])
        }
    }

    @Test func refusesAMissingFileOrADirectory() throws {
        let url = try Self.twoTensors().write()
        defer { SafetensorsFixture.remove(url) }
        let missing = url.deletingLastPathComponent().appending(path: "absent.safetensors")
        #expect(throws: SafetensorsError.unreadable(path: missing.path, reason: "no such file")) {
            try SafetensorsFile(contentsOf: missing)
        }
        #expect(throws: SafetensorsError.unreadable(path: url.deletingLastPathComponent().path, reason: "it is a directory")) {
            try SafetensorsFile(contentsOf: url.deletingLastPathComponent())
        }
    }

    @Test func refusesTruncatedFiles() throws {
        let whole = try Self.twoTensors().encoded()
        let headerEnd = 8 + Int(whole.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        for length in [0, 5] {
            guard case .truncated(let path, _) = error(whole.prefix(length)) else {
                Issue.record("a \(length)-byte file is not reported truncated")
                continue
            }
            #expect(path == "test.safetensors")
        }
        guard case .truncated = error(whole.prefix(headerEnd - 1)) else {
            Issue.record("a file cut inside its header is not reported truncated")
            return
        }
        // Cut inside the data: the tensors past the end are out of range, named in the error.
        let url = try SafetensorsFixture.write(whole.prefix(whole.count - 4))
        defer { SafetensorsFixture.remove(url) }
        let thrown = #expect(throws: SafetensorsError.self) { try SafetensorsFile(contentsOf: url) }
        #expect(thrown == .offsetsOutOfRange(path: url.path, tensor: "layer.bias", begin: 24, end: 36, dataLength: 32))
        #expect(thrown?.description.contains(url.path) == true)
        #expect(thrown?.description.contains("layer.bias") == true)
    }

    @Test func refusesAnAbsurdHeaderLength() {
        var data = Data()
        withUnsafeBytes(of: UInt64.max.littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array("{}".utf8))
        guard case .invalidHeader = error(data) else {
            Issue.record("a header length of 2^64 − 1 is accepted")
            return
        }
    }

    @Test(arguments: ["{\"a\": ", "not json at all", "[1, 2]", "\"text\"", "{\"__metadata__\": {\"n\": 1}}"])
    func refusesAHeaderThatIsNotAnObjectOfEntries(header: String) throws {
        var fixture = SafetensorsFixture()
        fixture.tensors = []
        guard case .invalidHeader(let path, _) = error(try fixture.encoded(header: header)) else {
            Issue.record("header \(header.debugDescription) is accepted")
            return
        }
        #expect(path == "test.safetensors")
    }

    @Test(arguments: [
        #"{"shape": [4], "data_offsets": [0, 4]}"#,                                      // no dtype
        #"{"dtype": "U8", "data_offsets": [0, 4]}"#,                                     // no shape
        #"{"dtype": "U8", "shape": [4]}"#,                                               // no offsets
        #"{"dtype": "U8", "shape": [4.5], "data_offsets": [0, 4]}"#,                     // fractional
        #"{"dtype": "U8", "shape": [-4], "data_offsets": [0, 4]}"#,                      // negative
        #"{"dtype": "U8", "shape": ["4"], "data_offsets": [0, 4]}"#,                     // string
        #"{"dtype": "U8", "shape": [true], "data_offsets": [0, 4]}"#,                    // boolean
        #"{"dtype": 8, "shape": [4], "data_offsets": [0, 4]}"#,                          // dtype not a string
        #"{"dtype": "U8", "shape": [4], "data_offsets": [0, 4, 8]}"#,                    // not a pair
        #"{"dtype": "U8", "shape": [4], "data_offsets": [4, 0]}"#,                       // begin > end
        #"{"dtype": "U8", "shape": [4], "data_offsets": [-1, 4]}"#,                      // negative offset
        #"{"dtype": "U8", "shape": [4], "data_offsets": [0, 4], "stride": [1]}"#,        // unknown field
        #"[1, 2]"#,                                                                      // not an object
    ])
    func refusesMalformedEntriesNamingTheTensor(entry: String) throws {
        var fixture = SafetensorsFixture()
        fixture.tensors = [.init(name: "_", dtype: "U8", shape: [4], bytes: [1, 2, 3, 4])]
        let thrown = error(try fixture.encoded(header: #"{"__metadata__": {"format": "pt"}, "t": \#(entry)}"#))
        guard case .invalidEntry(let path, let tensor, let reason) = thrown else {
            Issue.record("entry \(entry) gives \(String(describing: thrown))")
            return
        }
        #expect(path == "test.safetensors")
        #expect(tensor == "t")
        #expect(!reason.isEmpty)
    }

    @Test func refusesAnUnknownDType() throws {
        let thrown = try error(header: ["t": ["dtype": "F32X", "shape": [1], "data_offsets": [0, 4]]], data: [0, 0, 0, 0])
        #expect(thrown == .unknownDType(path: "test.safetensors", tensor: "t", dtype: "F32X"))
    }

    @Test func refusesAShapeThatDoesNotFitTheBytes() throws {
        var fixture = Self.twoTensors()
        fixture.tensors[0].shape = [3, 3]        // 36 bytes declared over the 24 written
        var header = fixture.headerObject()
        header["layer.weight"] = ["dtype": "F32", "shape": [3, 3], "data_offsets": [0, 24]]
        let thrown = error(try fixture.encoded(header: SafetensorsFixture.headerJSON(header)))
        #expect(thrown == .sizeMismatch(path: "test.safetensors", tensor: "layer.weight", dtype: "F32", shape: [3, 3], byteCount: 24))
        // A dtype that does not match the bytes is the same mistake.
        header["layer.weight"] = ["dtype": "F16", "shape": [2, 3], "data_offsets": [0, 24]]
        #expect(error(try fixture.encoded(header: SafetensorsFixture.headerJSON(header)))
                == .sizeMismatch(path: "test.safetensors", tensor: "layer.weight", dtype: "F16", shape: [2, 3], byteCount: 24))
        // A shape whose byte count overflows is refused, not wrapped around.
        header["layer.weight"] = ["dtype": "F32", "shape": [1 << 62, 8], "data_offsets": [0, 24]]
        guard case .sizeMismatch = error(try fixture.encoded(header: SafetensorsFixture.headerJSON(header))) else {
            Issue.record("an overflowing shape is accepted")
            return
        }
    }

    @Test func refusesOffsetsOutOfRange() throws {
        let thrown = try error(header: ["t": ["dtype": "U8", "shape": [4], "data_offsets": [2, 6]]], data: [1, 2, 3, 4])
        #expect(thrown == .offsetsOutOfRange(path: "test.safetensors", tensor: "t", begin: 2, end: 6, dataLength: 4))
    }

    @Test func refusesOverlapsHolesAndTrailingBytes() throws {
        let overlap = try error(header: ["a": ["dtype": "U8", "shape": [3], "data_offsets": [0, 3]],
                                         "b": ["dtype": "U8", "shape": [2], "data_offsets": [2, 4]]], data: [1, 2, 3, 4])
        #expect(overlap == .overlappingTensors(path: "test.safetensors", tensor: "b", other: "a"))
        let hole = try error(header: ["a": ["dtype": "U8", "shape": [1], "data_offsets": [0, 1]],
                                      "b": ["dtype": "U8", "shape": [2], "data_offsets": [2, 4]]], data: [1, 2, 3, 4])
        #expect(hole == .unindexedBytes(path: "test.safetensors", begin: 1, end: 2))
        let trailing = try error(header: ["a": ["dtype": "U8", "shape": [3], "data_offsets": [0, 3]]], data: [1, 2, 3, 4])
        #expect(trailing == .unindexedBytes(path: "test.safetensors", begin: 3, end: 4))
        // Two tensors claiming the same bytes are an overlap even when their sizes agree.
        let same = try error(header: ["a": ["dtype": "U8", "shape": [4], "data_offsets": [0, 4]],
                                      "b": ["dtype": "U8", "shape": [4], "data_offsets": [0, 4]]], data: [1, 2, 3, 4])
        #expect(same == .overlappingTensors(path: "test.safetensors", tensor: "b", other: "a"))
    }

    @Test func checksNamesAndShapesAgainstWhatTheModelNeeds() throws {
        let file = try SafetensorsFile(data: Self.twoTensors().encoded(), path: "m.safetensors")
        try file.checkNames(required: ["layer.weight", "layer.bias"])
        try file.checkNames(required: ["layer.weight"], optional: ["layer.bias", "pooler.weight"])
        #expect(throws: SafetensorsError.missingTensor(path: "m.safetensors", tensor: "layer.scale")) {
            try file.checkNames(required: ["layer.weight", "layer.bias", "layer.scale"])
        }
        #expect(throws: SafetensorsError.unexpectedTensors(path: "m.safetensors", tensors: ["layer.bias", "layer.weight"])) {
            try file.checkNames(required: [])
        }
        #expect(throws: SafetensorsError.wrongShape(path: "m.safetensors", tensor: "layer.weight", expected: [3, 2], actual: [2, 3])) {
            try file.floats("layer.weight", shape: [3, 2])
        }
        #expect(throws: SafetensorsError.missingTensor(path: "m.safetensors", tensor: "nope")) {
            try file.floats("nope", shape: [1])
        }
    }
}
