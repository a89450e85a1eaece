import Foundation

extension SafeTensors {
    /// Parses and validates a safetensors file held in memory.
    ///
    /// Every check runs on the header before any tensor data is copied:
    /// 1. the file holds the 8-byte length and the header it announces, within ``headerLimit``;
    /// 2. the header is a JSON object whose entries have a known `dtype`, a `shape` of
    ///    non-negative integers and two integer `data_offsets`;
    /// 3. each tensor's byte range lies inside the data section and has exactly
    ///    `shape × dtype size` bytes;
    /// 4. sorted by offset, the ranges neither overlap nor leave holes, and cover the data exactly.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - source: names the file in error messages.
    /// - Throws: a ``SafeTensorsError`` saying which check failed and for which tensor.
    public init(decoding bytes: [UInt8], source: String) throws {
        let headerLength = try Self.headerLength(announcedBy: Array(bytes.prefix(8)), fileSize: bytes.count, source: source)
        let dataStart = 8 + headerLength
        let layout = try Self.layout(header: Array(bytes[8..<dataStart]), dataLength: bytes.count - dataStart, source: source)
        for tensor in layout.tensors {
            entries[tensor.name] = Entry(dtype: tensor.dtype, shape: tensor.shape,
                                         bytes: Array(bytes[(dataStart + tensor.begin)..<(dataStart + tensor.end)]))
        }
        metadata = layout.metadata
    }

    /// The header length the first 8 bytes of a file of `fileSize` bytes announce, checked
    /// against the limit and against the bytes that follow.
    ///
    /// - Throws: ``SafeTensorsError/truncated(source:detail:)`` or
    ///   ``SafeTensorsError/headerTooLarge(source:length:limit:)``.
    static func headerLength(announcedBy first8: [UInt8], fileSize: Int, source: String) throws -> Int {
        guard first8.count == 8, fileSize >= 8 else {
            throw SafeTensorsError.truncated(source: source, detail: "\(fileSize) bytes, fewer than the 8-byte header length")
        }
        let headerLength = UInt64(littleEndianAt: 0, in: first8)
        guard headerLength <= UInt64(Self.headerLimit) else {
            throw SafeTensorsError.headerTooLarge(source: source, length: headerLength, limit: Self.headerLimit)
        }
        guard headerLength <= UInt64(fileSize - 8) else {
            throw SafeTensorsError.truncated(
                source: source, detail: "header length \(headerLength) exceeds the \(fileSize - 8) bytes after it")
        }
        return Int(headerLength)
    }

    /// Where the tensors lie in a data section of `dataLength` bytes, as the JSON `header`
    /// describes them, validated: sorted by offset, they cover the data exactly, without
    /// overlaps or holes.
    ///
    /// - Throws: a ``SafeTensorsError`` saying which check failed and for which tensor.
    static func layout(header: [UInt8], dataLength: Int, source: String) throws -> (tensors: [TensorLayout], metadata: [String: String]) {
        let layout = try parseHeader(header, dataLength: dataLength, source: source)
        let sorted = layout.tensors.sorted { ($0.begin, $0.name) < ($1.begin, $1.name) }
        var expectedBegin = 0
        for index in sorted.indices {
            let tensor = sorted[index]
            if tensor.begin < expectedBegin {
                throw SafeTensorsError.overlap(source: source, first: sorted[index - 1].name, second: tensor.name)
            }
            if tensor.begin > expectedBegin {
                throw SafeTensorsError.hole(source: source, detail: "bytes \(expectedBegin)..<\(tensor.begin) of the data belong to no tensor")
            }
            expectedBegin = tensor.end
        }
        if expectedBegin != dataLength {
            throw SafeTensorsError.hole(source: source,
                                        detail: "the data section has \(dataLength) bytes but the tensors cover \(expectedBegin)")
        }
        return (sorted, layout.metadata)
    }

    /// One tensor's place in the data section, as the header describes it.
    struct TensorLayout {
        let name: String, dtype: DType, shape: [Int], begin: Int, end: Int
    }

    /// Decodes the JSON header and checks each entry on its own.
    private static func parseHeader(
        _ header: [UInt8], dataLength: Int, source: String
    ) throws -> (tensors: [TensorLayout], metadata: [String: String]) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(header)) } catch {
            throw SafeTensorsError.invalidHeader(source: source, detail: "not valid JSON")
        }
        guard let root = object as? [String: Any] else {
            throw SafeTensorsError.invalidHeader(source: source, detail: "not a JSON object")
        }
        var metadata: [String: String] = [:]
        var tensors: [TensorLayout] = []
        for (name, value) in root {
            if name == "__metadata__" {
                guard let fields = value as? [String: Any], fields.values.allSatisfy({ $0 is String }) else {
                    throw SafeTensorsError.invalidHeader(source: source, detail: "__metadata__ must map strings to strings")
                }
                metadata = fields.mapValues { $0 as! String }
                continue
            }
            tensors.append(try parseEntry(name: name, value: value, dataLength: dataLength, source: source))
        }
        return (tensors, metadata)
    }

    private static func parseEntry(name: String, value: Any, dataLength: Int, source: String) throws -> TensorLayout {
        guard let fields = value as? [String: Any] else {
            throw SafeTensorsError.invalidHeader(source: source, detail: "entry '\(name)' is not an object")
        }
        guard let dtypeName = fields["dtype"] as? String else {
            throw SafeTensorsError.invalidHeader(source: source, detail: "entry '\(name)' has no string dtype")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw SafeTensorsError.unknownDType(source: source, tensor: name, dtype: dtypeName)
        }
        guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw SafeTensorsError.invalidHeader(source: source, detail: "entry '\(name)' needs a shape of non-negative integers")
        }
        guard let offsets = integers(fields["data_offsets"]), offsets.count == 2 else {
            throw SafeTensorsError.invalidOffsets(source: source, tensor: name, detail: "data_offsets must be two integers")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end, end <= dataLength else {
            throw SafeTensorsError.invalidOffsets(
                source: source, tensor: name,
                detail: "data_offsets [\(begin), \(end)] lie outside the \(dataLength)-byte data section")
        }
        var byteCount = dtype.byteCount
        for size in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw SafeTensorsError.invalidOffsets(source: source, tensor: name, detail: "shape \(shape) is too large")
            }
            byteCount = product
        }
        guard byteCount == end - begin else {
            throw SafeTensorsError.invalidOffsets(
                source: source, tensor: name,
                detail: "shape \(shape) of \(dtype.rawValue) needs \(byteCount) bytes but data_offsets give \(end - begin)")
        }
        return TensorLayout(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The value as an array of integers, if it is one (JSON numbers without a fraction).
    private static func integers(_ value: Any?) -> [Int]? {
        guard let numbers = value as? [Any] else { return nil }
        var result: [Int] = []
        for number in numbers {
            if type(of: number) == Bool.self { return nil }
            if let integer = number as? Int {
                result.append(integer)
            } else if let real = number as? Double, real == real.rounded(), real.magnitude < 9e15 {
                result.append(Int(real))
            } else {
                return nil
            }
        }
        return result
    }
}
