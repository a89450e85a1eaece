import Foundation

/// Splits what is read from a file into lines, block by block, in time linear in the file's
/// size: each byte is searched for a line break once, however long its line, and a line longer
/// than the limit stops the reading as soon as it passes the limit.
struct LineScanner {
    /// The longest line accepted, in bytes, without its line break.
    let maximumLineLength: Int
    /// The error for line `number` once it is longer than ``maximumLineLength``.
    let tooLong: (_ number: Int) -> any Error
    /// How many bytes have been searched for a line break: once each, so never more than were read.
    private(set) var bytesExamined = 0
    /// The number of the last complete line handed on.
    private(set) var lineNumber = 0
    /// The start of a line that continues in the next block; it holds no line break.
    private var pending: [UInt8] = []

    /// A scanner for lines of at most `maximumLineLength` bytes; `tooLong` gives the error for a
    /// longer line, from its number.
    init(maximumLineLength: Int, tooLong: @escaping (_ number: Int) -> any Error) {
        self.maximumLineLength = maximumLineLength
        self.tooLong = tooLong
    }

    /// Reads `handle` to its end in blocks of `blockSize` bytes and hands each line (without its
    /// `\n`) and its 1-based number to `body`, the last line too when no line break ends it.
    ///
    /// - Throws: ``DataError`` naming `source` when reading fails, the error of `tooLong` for a
    ///   line over the limit, and errors thrown by `body`.
    mutating func scan(_ handle: FileHandle, source: String, blockSize: Int = 1 << 20,
                       _ body: (_ line: ArraySlice<UInt8>, _ number: Int) throws -> Void) throws {
        while true {
            let block: Data?
            do { block = try handle.read(upToCount: Swift.max(blockSize, 1)) } catch {
                throw DataError(file: source, "cannot be read: \(InputFile.reason(error))")
            }
            guard let block, !block.isEmpty else { break }
            try feed(block, body)
        }
        try finish(body)
    }

    /// Hands on the lines `block` completes; keeps the start of the line it leaves open.
    mutating func feed(_ block: Data, _ body: (_ line: ArraySlice<UInt8>, _ number: Int) throws -> Void) throws {
        // Everything already pending was searched when it came: the search resumes at the new bytes.
        var searchFrom = pending.count
        pending.append(contentsOf: block)
        var lineStart = 0
        while let newline = pending[searchFrom...].firstIndex(of: 0x0A) {
            bytesExamined += newline + 1 - searchFrom
            lineNumber += 1
            if newline - lineStart > maximumLineLength { throw tooLong(lineNumber) }
            try body(pending[lineStart..<newline], lineNumber)
            lineStart = newline + 1
            searchFrom = lineStart
        }
        bytesExamined += pending.count - searchFrom
        // The line left open began in this block, so what is moved here is at most one block.
        pending.removeSubrange(..<lineStart)
        if pending.count > maximumLineLength { throw tooLong(lineNumber + 1) }
    }

    /// Hands on the last line when no line break ended it.
    mutating func finish(_ body: (_ line: ArraySlice<UInt8>, _ number: Int) throws -> Void) throws {
        guard !pending.isEmpty else { return }
        lineNumber += 1
        try body(pending[...], lineNumber)
        pending = []
    }
}
