import Foundation
import Nabla

/// A set of named tensors in the safetensors format, the format PyTorch and Hugging Face use to
/// exchange weights without executing code.
///
/// Layout: an 8-byte little-endian header length `N`, `N` bytes of JSON, then the raw data. The
/// JSON maps each tensor's name to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets
/// into the data section) and may hold string metadata under `"__metadata__"`. A file Nabla
/// writes opens in PyTorch with `safetensors.torch.load_file`.
///
/// Reading validates the header completely **before** allocating for the data: the header length
/// against the file size, the JSON structure, each dtype, each tensor's offsets against the data
/// section and against `shape × dtype size`, and that tensors neither overlap nor leave holes.
public struct SafeTensors: Sendable {
    /// The element types Nabla reads and writes.
    public enum DType: String, Sendable, CaseIterable {
        /// 32-bit IEEE float.
        case float32 = "F32"
        /// 64-bit IEEE float.
        case float64 = "F64"
        /// 64-bit signed integer (indices, counts).
        case int64 = "I64"

        /// Bytes per element.
        public var byteCount: Int { self == .float32 ? 4 : 8 }
    }

    /// One stored tensor: its type, shape and little-endian bytes.
    public struct Entry: Sendable, Equatable {
        /// The element type.
        public let dtype: DType
        /// The shape.
        public let shape: [Int]
        /// The raw little-endian bytes, `shape × dtype.byteCount` of them.
        public let bytes: [UInt8]
    }

    /// The largest header accepted when reading (100 MB, as the reference implementation).
    public static let headerLimit = 100_000_000

    /// The tensors by name.
    public internal(set) var entries: [String: Entry] = [:]
    /// Free-form string metadata (`"__metadata__"`).
    public var metadata: [String: String] = [:]

    /// An empty set.
    public init() {}

    /// The stored names, sorted.
    public var names: [String] { entries.keys.sorted() }

    // MARK: Adding

    /// Stores a `Float` or `Double` tensor as F32 or F64.
    public mutating func add<Scalar: TensorScalar>(_ tensor: Tensor<Scalar>, named name: String) {
        if Scalar.self == Float.self {
            entries[name] = Entry(dtype: .float32, shape: tensor.shape,
                                  bytes: tensor.scalars.flatMap { littleEndianBytes(Float($0).bitPattern) })
        } else {
            entries[name] = Entry(dtype: .float64, shape: tensor.shape,
                                  bytes: tensor.scalars.flatMap { littleEndianBytes(Double($0).bitPattern) })
        }
    }

    /// Gives the tensor `name` the name `newName` (nothing happens when there is no such tensor).
    public mutating func renameTensor(_ name: String, to newName: String) {
        guard let entry = entries.removeValue(forKey: name) else { return }
        entries[newName] = entry
    }

    /// Stores a tensor of 64-bit integers.
    public mutating func add(int64s values: [Int64], shape: [Int], named name: String) {
        if values.count != shape.reduce(1, *) {
            misuse("SafeTensors.add", "\(values.count) values do not fill shape \(shape)")
        }
        entries[name] = Entry(dtype: .int64, shape: shape, bytes: values.flatMap { littleEndianBytes(UInt64(bitPattern: $0)) })
    }

    // MARK: Reading values

    /// The tensor `name` as `Scalar` (F32 and F64 are converted as needed).
    ///
    /// - Throws: ``SafeTensorsError/missingTensor(source:tensor:)`` or, for an I64 tensor,
    ///   ``SafeTensorsError/mismatch(source:tensor:detail:)``.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func tensor<Scalar: TensorScalar>(named name: String, as type: Scalar.Type = Scalar.self,
                                             source: String = "safetensors") throws -> Tensor<Scalar> {
        guard let entry = entries[name] else { throw SafeTensorsError.missingTensor(source: source, tensor: name) }
        let count = entry.shape.reduce(1, *)
        let values: [Scalar]
        switch entry.dtype {
        case .float32:
            values = (0..<count).map { Scalar(Float(bitPattern: UInt32(littleEndianAt: $0 * 4, in: entry.bytes))) }
        case .float64:
            values = (0..<count).map { Scalar(Double(bitPattern: UInt64(littleEndianAt: $0 * 8, in: entry.bytes))) }
        case .int64:
            throw SafeTensorsError.mismatch(source: source, tensor: name, detail: "holds I64 integers, not floating-point values")
        }
        return Tensor(values, shape: entry.shape)
    }

    /// The I64 tensor `name` as integers.
    public func int64s(named name: String, source: String = "safetensors") throws -> [Int64] {
        guard let entry = entries[name] else { throw SafeTensorsError.missingTensor(source: source, tensor: name) }
        guard entry.dtype == .int64 else {
            throw SafeTensorsError.mismatch(source: source, tensor: name, detail: "holds \(entry.dtype.rawValue), not I64")
        }
        return (0..<entry.shape.reduce(1, *)).map { Int64(bitPattern: UInt64(littleEndianAt: $0 * 8, in: entry.bytes)) }
    }

    // MARK: Encoding

    /// The file's bytes: header length, JSON header (space-padded to a multiple of 8), data.
    /// Tensors are laid out in name order, so the same content always gives the same bytes.
    public func encoded() -> [UInt8] {
        var parts: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let entry = entries[name]!
            let shape = entry.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(name)):{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(shape)],"
                + "\"data_offsets\":[\(offset),\(offset + entry.bytes.count)]}")
            offset += entry.bytes.count
        }
        var header = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var bytes = littleEndianBytes(UInt64(header.count)) + header
        bytes.reserveCapacity(bytes.count + offset)
        for name in names { bytes += entries[name]!.bytes }
        return bytes
    }

    /// Writes the file atomically: to a temporary file beside `url`, flushed, then renamed over
    /// it, so a crash or a full disk never leaves a half-written file in its place.
    public func write(to url: URL) throws {
        try AtomicFile.write(encoded(), to: url)
    }

    /// Reads and validates a file, its header first: the 8-byte header length is checked
    /// against the file's size and ``headerLimit``, and the header is parsed and validated
    /// (as ``init(decoding:source:)`` does), before any tensor data is read. The data is then
    /// read into each tensor's own storage, so a file that is not a safetensors file is refused
    /// after reading a few bytes, and a valid file is held in memory once.
    ///
    /// Only regular files are read: a folder, a FIFO, a device (`/dev/zero`) or a symbolic link
    /// to nothing is refused by name rather than read without end.
    ///
    /// - Throws: a ``SafeTensorsError`` naming the file and what is wrong with it.
    public static func read(from url: URL) throws -> SafeTensors {
        let path = url.path
        let size: Int
        do { size = try ReadableFile.identity(of: path, describing: "safetensors file").size } catch let refusal as ReadableFile.Refusal {
            throw SafeTensorsError.io(path: path, detail: refusal.message)
        }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw SafeTensorsError.io(path: path, detail: "cannot be read: \(ReadableFile.reason(error))")
        }
        defer { try? handle.close() }
        let headerLength = try headerLength(announcedBy: try read(8, from: handle, path: path, upTo: true), fileSize: size, source: path)
        let layout = try layout(header: try read(headerLength, from: handle, path: path), dataLength: size - 8 - headerLength, source: path)
        var file = SafeTensors()
        for tensor in layout.tensors {      // in file order, one after the other
            file.entries[tensor.name] = Entry(dtype: tensor.dtype, shape: tensor.shape,
                                              bytes: try read(tensor.end - tensor.begin, from: handle, path: path))
        }
        file.metadata = layout.metadata
        if try read(1, from: handle, path: path, upTo: true).count > 0 {
            throw SafeTensorsError.io(path: path, detail: "grew while it was being read; read it again once it is complete")
        }
        return file
    }

    /// The next `count` bytes of `handle`, read into one array of that capacity, a block at a
    /// time; with `upTo`, fewer when the file ends first.
    ///
    /// - Throws: ``SafeTensorsError/io(path:detail:)`` when reading fails, or when the file ends
    ///   before `count` bytes (it was cut while it was read).
    private static func read(_ count: Int, from handle: FileHandle, path: String, upTo: Bool = false) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let block: Data?
            do { block = try handle.read(upToCount: Swift.min(count - bytes.count, 1 << 20)) } catch {
                throw SafeTensorsError.io(path: path, detail: "cannot be read: \(ReadableFile.reason(error))")
            }
            guard let block, !block.isEmpty else {
                if upTo { break }
                throw SafeTensorsError.io(path: path, detail: "was cut while it was being read; read it again once it is complete")
            }
            bytes.append(contentsOf: block)
        }
        return bytes
    }
}

// MARK: - Little-endian helpers

func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

extension FixedWidthInteger {
    /// The integer stored little-endian at `offset` in `bytes`.
    init(littleEndianAt offset: Int, in bytes: [UInt8]) {
        var value = Self.zero
        for i in 0..<(Self.bitWidth / 8) { value |= Self(bytes[offset + i]) << (8 * i) }
        self = value
    }
}

/// A JSON string literal for `text`, escaping what JSON requires.
func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
