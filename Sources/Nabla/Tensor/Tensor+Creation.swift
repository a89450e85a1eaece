extension Tensor {
    /// A one-dimensional tensor of `scalars`.
    public convenience init(_ scalars: [Scalar], requiresGrad: Bool = false) {
        self.init(scalars, shape: [scalars.count], requiresGrad: requiresGrad)
    }

    /// A two-dimensional tensor from its rows; every row must have the same length.
    public convenience init(rows: [[Scalar]], requiresGrad: Bool = false) {
        let width = rows.first?.count ?? 0
        if let bad = rows.firstIndex(where: { $0.count != width }) {
            misuse("Tensor.init(rows:)", "row \(bad) has \(rows[bad].count) elements, row 0 has \(width)")
        }
        self.init(rows.flatMap { $0 }, shape: [rows.count, width], requiresGrad: requiresGrad)
    }

    /// A scalar (shape `[]`).
    public convenience init(scalar: Scalar, requiresGrad: Bool = false) {
        self.init([scalar], shape: [], requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` with every element equal to `value` (PyTorch's `full`).
    public convenience init(repeating value: Scalar, shape: [Int], requiresGrad: Bool = false) {
        if shape.contains(where: { $0 < 0 }) {
            misuse("Tensor.init", "shape \(describeShape(shape)) has a negative size")
        }
        self.init([Scalar](repeating: value, count: Shape.elementCount(shape)), shape: shape, requiresGrad: requiresGrad)
    }

    /// A tensor of zeros.
    public convenience init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.init(repeating: 0, shape: shape, requiresGrad: requiresGrad)
    }

    /// A tensor of ones.
    public convenience init(ones shape: [Int], requiresGrad: Bool = false) {
        self.init(repeating: 1, shape: shape, requiresGrad: requiresGrad)
    }

    /// The values `start, start + step, ...` below `end`, as a one-dimensional tensor.
    ///
    /// `Tensor<Float>.arange(0, 5)` is `[0, 1, 2, 3, 4]`.
    public static func arange(_ start: Scalar, _ end: Scalar, step: Scalar = 1) -> Tensor<Scalar> {
        if step == 0 || !step.isFinite { misuse("arange", "step must be finite and non-zero, got \(step)") }
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<count).map { start + Scalar($0) * step })
    }

    /// Values drawn uniformly from `[lowerBound, upperBound)`, reproducible from the generator's seed.
    public static func uniform(
        _ shape: [Int], in range: Range<Scalar> = 0..<1, using generator: inout SeededRandomGenerator,
        requiresGrad: Bool = false
    ) -> Tensor<Scalar> {
        let low = Double(range.lowerBound), width = Double(range.upperBound - range.lowerBound)
        let values = (0..<Shape.elementCount(shape)).map { _ in Scalar(low + width * generator.nextUnitInterval()) }
        return Tensor(values, shape: shape, requiresGrad: requiresGrad)
    }

    /// Values drawn from a normal distribution, reproducible from the generator's seed.
    public static func normal(
        _ shape: [Int], mean: Scalar = 0, standardDeviation: Scalar = 1,
        using generator: inout SeededRandomGenerator, requiresGrad: Bool = false
    ) -> Tensor<Scalar> {
        let values = (0..<Shape.elementCount(shape)).map { _ in
            mean + standardDeviation * Scalar(generator.nextStandardNormal())
        }
        return Tensor(values, shape: shape, requiresGrad: requiresGrad)
    }
}
