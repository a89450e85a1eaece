extension Tensor: CustomStringConvertible {
    /// The values as nested brackets, e.g. `[[1.0, 2.0], [3.0, 4.0]]`; long axes are elided with `...`.
    public var description: String {
        if shape.isEmpty { return storage[0].description }
        return Self.format(storage[...], shape: shape[...], indent: 1)
    }

    /// Nests `values` (laid out for `shape`) in brackets, one row of a matrix per line.
    private static func format(_ values: ArraySlice<Scalar>, shape: ArraySlice<Int>, indent: Int) -> String {
        let size = shape.first!
        let inner = shape.dropFirst()
        let step = Shape.elementCount(Array(inner))
        let shown: [Int?] = size > 8 ? [0, 1, 2, nil, size - 3, size - 2, size - 1] : (0..<size).map { $0 }
        let parts = shown.map { index -> String in
            guard let index else { return "..." }
            let start = values.startIndex + index * step
            if inner.isEmpty { return values[start].description }
            return format(values[start..<(start + step)], shape: inner, indent: indent + 1)
        }
        let separator = inner.isEmpty ? ", " : ",\n" + String(repeating: " ", count: indent)
        return "[" + parts.joined(separator: separator) + "]"
    }
}

extension Tensor: CustomDebugStringConvertible {
    /// The element type, shape and values, e.g. `Tensor<Float>[2, 2] [[1.0, 2.0], [3.0, 4.0]]`.
    public var debugDescription: String {
        "Tensor<\(Scalar.self)>\(describeShape(shape)) \(description)"
    }
}
