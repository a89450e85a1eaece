/// Why a safetensors file was refused. Every case names the file (or source) it came from.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    /// The file ends before the 8-byte header length, or before the header it announces.
    case truncated(source: String, detail: String)
    /// The announced header is larger than the limit (a corrupt or hostile length field).
    case headerTooLarge(source: String, length: UInt64, limit: Int)
    /// The header is not the JSON object the format prescribes.
    case invalidHeader(source: String, detail: String)
    /// A tensor has a dtype Nabla does not read.
    case unknownDType(source: String, tensor: String, dtype: String)
    /// A tensor's offsets are malformed, outside the data, or disagree with its shape and dtype.
    case invalidOffsets(source: String, tensor: String, detail: String)
    /// Two tensors share bytes.
    case overlap(source: String, first: String, second: String)
    /// Some bytes of the data section belong to no tensor.
    case hole(source: String, detail: String)
    /// A tensor the caller asked for is not in the file.
    case missingTensor(source: String, tensor: String)
    /// A tensor has a different shape or type than the caller expected.
    case mismatch(source: String, tensor: String, detail: String)
    /// Reading or writing the file failed.
    case io(path: String, detail: String)

    /// A message a user can act on.
    public var description: String {
        switch self {
        case let .truncated(source, detail): return "\(source): truncated safetensors file: \(detail)"
        case let .headerTooLarge(source, length, limit):
            return "\(source): safetensors header length \(length) exceeds the limit of \(limit) bytes"
        case let .invalidHeader(source, detail): return "\(source): invalid safetensors header: \(detail)"
        case let .unknownDType(source, tensor, dtype):
            return "\(source): tensor '\(tensor)' has dtype '\(dtype)'; Nabla reads F32, F64 and I64"
        case let .invalidOffsets(source, tensor, detail): return "\(source): tensor '\(tensor)': \(detail)"
        case let .overlap(source, first, second): return "\(source): tensors '\(first)' and '\(second)' overlap"
        case let .hole(source, detail): return "\(source): \(detail)"
        case let .missingTensor(source, tensor): return "\(source): no tensor named '\(tensor)'"
        case let .mismatch(source, tensor, detail): return "\(source): tensor '\(tensor)': \(detail)"
        case let .io(path, detail): return "\(path): \(detail)"
        }
    }
}
