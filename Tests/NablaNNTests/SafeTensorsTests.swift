import Foundation
import Nabla
import NablaNN
import NablaTestSupport
import Testing

/// Reading files the reference package wrote, writing the specified layout, and refusing bad files.
@Suite struct SafeTensorsTests {
    func fixtureBytes() throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "reference", withExtension: "safetensors", subdirectory: "Fixtures"))
        return [UInt8](try Data(contentsOf: url))
    }

    /// A file with one F32 tensor whose header is `json` (padded as the writer pads it) and `data`.
    func file(header json: String, data: [UInt8]) -> [UInt8] {
        var header = Array(json.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        return withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header + data
    }

    @Test func readsAFileWrittenByThePythonPackage() throws {
        let file = try SafeTensors(decoding: try fixtureBytes(), source: "reference.safetensors")
        #expect(file.names == ["gru.layer0.weightIH", "item.indices", "output.bias", "scalar"])
        #expect(file.metadata == ["format": "nabla-test", "note": "written by safetensors.numpy"])
        let weight = try file.tensor(named: "gru.layer0.weightIH", as: Float.self)
        #expect(weight.shape == [3, 4])
        #expect(weight.scalars == (0..<12).map { Float($0) / 8 - 0.5 })
        expectTensor(try file.tensor(named: "output.bias", as: Double.self), shape: [3], [1.5, -2.25, 1e-3])
        #expect(try file.int64s(named: "item.indices") == [0, 7, -3, 1 << 40])
        expectTensor(try file.tensor(named: "scalar", as: Double.self), shape: [], [3.25])
    }

    @Test func writesTheSpecifiedLayout() throws {
        var file = SafeTensors()
        file.add(Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3]), named: "b.weight")
        file.add(Tensor<Double>([0.5]), named: "a.bias")
        file.add(int64s: [7, 8], shape: [2], named: "c.ids")
        file.metadata = ["epoch": "3"]
        let bytes = file.encoded()
        let headerLength = Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * $1.offset) })
        #expect(headerLength % 8 == 0)
        let header = try #require(String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
            .trimmingCharacters(in: .whitespaces).data(using: .utf8))
        let json = try #require(try JSONSerialization.jsonObject(with: header) as? [String: Any])
        let bias = try #require(json["a.bias"] as? [String: Any])
        #expect(bias["dtype"] as? String == "F64")
        #expect(bias["shape"] as? [Int] == [1])
        #expect(bias["data_offsets"] as? [Int] == [0, 8])
        #expect((json["b.weight"] as? [String: Any])?["data_offsets"] as? [Int] == [8, 32])
        #expect((json["c.ids"] as? [String: Any])?["data_offsets"] as? [Int] == [32, 48])
        #expect(json["__metadata__"] as? [String: String] == ["epoch": "3"])
        #expect(bytes.count == 8 + headerLength + 48)
        #expect(Array(bytes[(8 + headerLength)..<(8 + headerLength + 8)]) == withUnsafeBytes(of: (0.5).bitPattern.littleEndian, Array.init))
        let decoded = try SafeTensors(decoding: bytes, source: "memory")
        #expect(decoded.entries == file.entries && decoded.metadata == file.metadata)
    }

    @Test func pythonCanReadWhatNablaWritesLayoutWise() throws {
        // Same tensors as the Python fixture, written by Nabla, read back by Nabla's own strict reader.
        let reference = try SafeTensors(decoding: try fixtureBytes(), source: "reference")
        var copy = SafeTensors()
        copy.add(try reference.tensor(named: "gru.layer0.weightIH", as: Float.self), named: "gru.layer0.weightIH")
        let reread = try SafeTensors(decoding: copy.encoded(), source: "copy")
        #expect(reread.entries["gru.layer0.weightIH"] == reference.entries["gru.layer0.weightIH"])
    }

    @Test func truncatedFilesAreRefused() throws {
        let bytes = try fixtureBytes()
        #expect(throws: SafeTensorsError.self) { try SafeTensors(decoding: Array(bytes[0..<5]), source: "t") }
        do {
            _ = try SafeTensors(decoding: Array(bytes[0..<100]), source: "cut.safetensors")
            Issue.record("a file cut inside its header was accepted")
        } catch let error as SafeTensorsError {
            #expect(error.description.hasPrefix("cut.safetensors: truncated safetensors file: header length"))
        }
        do {
            _ = try SafeTensors(decoding: Array(bytes.dropLast(4)), source: "short.safetensors")
            Issue.record("a file missing data bytes was accepted")
        } catch let error as SafeTensorsError {
            #expect(error.description.contains("short.safetensors"))
        }
    }

    @Test func oversizedHeaderLengthIsRefusedBeforeAllocating() {
        let bytes = withUnsafeBytes(of: UInt64(1 << 40).littleEndian, Array.init) + [UInt8](repeating: 0x20, count: 16)
        #expect(throws: SafeTensorsError.headerTooLarge(source: "big", length: 1 << 40, limit: SafeTensors.headerLimit)) {
            try SafeTensors(decoding: bytes, source: "big")
        }
    }

    @Test func overlappingTensorsAreRefused() {
        let bytes = file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                         data: [UInt8](repeating: 0, count: 12))
        #expect(throws: SafeTensorsError.overlap(source: "o", first: "a", second: "b")) {
            try SafeTensors(decoding: bytes, source: "o")
        }
    }

    @Test func unknownDTypeIsRefused() {
        let bytes = file(header: #"{"a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
        #expect(throws: SafeTensorsError.unknownDType(source: "u", tensor: "a", dtype: "BF16")) {
            try SafeTensors(decoding: bytes, source: "u")
        }
    }

    @Test func offsetsOutsideTheDataOrDisagreeingWithTheShapeAreRefused() throws {
        let outside = file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, data: [UInt8](repeating: 0, count: 8))
        #expect(throws: SafeTensorsError.self) { try SafeTensors(decoding: outside, source: "x") }
        let wrongSize = file(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))
        do {
            _ = try SafeTensors(decoding: wrongSize, source: "w")
            Issue.record("a size mismatch was accepted")
        } catch let error as SafeTensorsError {
            #expect(error.description == "w: tensor 'a': shape [3] of F32 needs 12 bytes but data_offsets give 8")
        }
        let hole = file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8))
        #expect(throws: SafeTensorsError.self) { try SafeTensors(decoding: hole, source: "h") }
    }

    @Test func malformedJSONIsRefused() {
        for header in ["{", "[1,2]", #"{"a":3}"#, #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#,
                       #"{"__metadata__":{"k":1}}"#, #"{"a":{"dtype":"F32","shape":[true],"data_offsets":[0,4]}}"#] {
            #expect(throws: SafeTensorsError.self) { try SafeTensors(decoding: file(header: header, data: []), source: "j") }
        }
    }

    @Test func moduleRoundTripsThroughAFile() throws {
        var generator = SeededRandomGenerator(seed: 71)
        let gru = GRU<Float>(inputSize: 3, hiddenSizes: [4], using: &generator)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-roundtrip-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try gru.safeTensors(prefix: "gru", metadata: ["kind": "test"]).write(to: url)
        let other = GRU<Float>(inputSize: 3, hiddenSizes: [4], using: &generator)
        #expect(other.parameters[0].scalars != gru.parameters[0].scalars)
        let file = try SafeTensors.read(from: url)
        try other.loadParameters(from: file, prefix: "gru", source: url.lastPathComponent)
        #expect(zip(other.parameters, gru.parameters).allSatisfy { $0.scalars == $1.scalars })
        #expect(file.metadata["kind"] == "test")
    }

    @Test func loadingAMismatchedModelChangesNothing() throws {
        var generator = SeededRandomGenerator(seed: 72)
        let small = GRU<Float>(inputSize: 3, hiddenSizes: [4], using: &generator)
        let large = GRU<Float>(inputSize: 3, hiddenSizes: [5], using: &generator)
        let before = large.parameters.map(\.scalars)
        #expect(throws: SafeTensorsError.mismatch(source: "m", tensor: "layer0.weightIH",
                                                  detail: "shape [12, 3] in the file, [15, 3] in the model")) {
            try large.loadParameters(from: small.safeTensors(), source: "m")
        }
        #expect(large.parameters.map(\.scalars) == before)
    }

    @Test func failedWriteLeavesThePreviousFileIntact() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nabla-readonly-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer {
            chmod(folder.path, 0o755)
            try? FileManager.default.removeItem(at: folder)
        }
        let url = folder.appendingPathComponent("model.safetensors")
        var first = SafeTensors()
        first.add(Tensor<Float>([1]), named: "w")
        try first.write(to: url)
        chmod(folder.path, 0o555)
        var second = SafeTensors()
        second.add(Tensor<Float>([2]), named: "w")
        if getuid() == 0 {
            // root ignores directory permissions; a path under a regular file fails for everyone.
            #expect(throws: SafeTensorsError.self) { try second.write(to: url.appendingPathComponent("inside")) }
        } else {
            #expect(throws: SafeTensorsError.self) { try second.write(to: url) }
        }
        #expect(try SafeTensors.read(from: url).entries == first.entries)
    }
}
