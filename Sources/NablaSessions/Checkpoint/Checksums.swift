import Foundation
import NablaNN

/// Checksums of every tensor and of the metadata of a model file, stored in its metadata under
/// `checksums`, so that a damaged file (a flipped bit in the weights, an edited item list) is
/// refused with the name of what changed instead of giving wrong answers.
///
/// The checksum is FNV-1a over 64 bits: not a protection against someone who wants to forge a
/// file, but any accidental change to the bytes changes it.
enum Checksums {
    /// The metadata key the checksums are stored under.
    static let key = "checksums"
    /// The name the metadata's own checksum has among the tensors'.
    static let metadataName = "__metadata__"

    /// `file` with the checksums of its tensors and metadata added.
    static func sealed(_ file: SafeTensors) -> SafeTensors {
        var file = file
        file.metadata[key] = nil
        var sums = [metadataName: hex(ofMetadata: file.metadata)]
        for (name, entry) in file.entries { sums[name] = hex(entry.bytes) }
        let json = try! JSONSerialization.data(withJSONObject: sums, options: [.sortedKeys])
        file.metadata[key] = String(decoding: json, as: UTF8.self)
        return file
    }

    /// Checks the stored checksums against the file's content.
    ///
    /// - Parameter required: whether a file without checksums is refused (files of earlier
    ///   formats have none).
    /// - Throws: ``CheckpointError`` naming the tensor (or the metadata) that does not match.
    static func verify(_ file: SafeTensors, path: String, required: Bool) throws {
        guard let text = file.metadata[key] else {
            if required { throw CheckpointError(path: path, "has no checksums; it was not written by Nabla, or was edited") }
            return
        }
        guard let sums = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
            throw CheckpointError(path: path, "its checksums are not readable")
        }
        var metadata = file.metadata
        metadata[key] = nil
        guard sums[metadataName] == hex(ofMetadata: metadata) else {
            throw CheckpointError(path: path, "the metadata (item ids, parameters) does not match its checksum: the file was "
                + "damaged or edited")
        }
        guard Set(sums.keys).subtracting([metadataName]) == Set(file.entries.keys) else {
            throw CheckpointError(path: path, "its tensors are not the ones it was written with")
        }
        for name in file.names where sums[name] != hex(file.entries[name]!.bytes) {
            throw CheckpointError(path: path, "tensor '\(name)' does not match its checksum: the file was damaged or edited")
        }
    }

    private static func hex(ofMetadata metadata: [String: String]) -> String {
        var bytes: [UInt8] = []
        for key in metadata.keys.sorted() {
            bytes += Array(key.utf8) + [0] + Array(metadata[key]!.utf8) + [0]
        }
        return hex(bytes)
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        var hash = FNV1a()
        hash.add(bytes)
        return hash.hex
    }
}
