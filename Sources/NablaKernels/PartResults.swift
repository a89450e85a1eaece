extension ComputeThreads {
    /// `body(part)` for every `part` in `0..<parts`, computed as ``forEachPart(_:_:)`` shares
    /// the parts out between the compute threads, returned in the order of the parts.
    ///
    /// ```swift
    /// let finite = ComputeThreads.results(parameters.count) { index in isFinite(parameters[index]) }
    /// ```
    public static func results<Result>(_ parts: Int, _ body: (Int) -> Result) -> [Result] {
        var results = [Result?](repeating: nil, count: parts)
        results.withUnsafeMutableBufferPointer { results in
            forEachPart(parts) { part in results[part] = body(part) }
        }
        return results.map { $0! }
    }
}
