import Nabla

/// How parameters get their first values. Every random initialiser draws from a
/// `SeededRandomGenerator`, so a seed fixes a model's starting point on every machine.
public enum Initializer<Scalar: TensorScalar> {
    /// Uniform in `±√(6 / (fanIn + fanOut))` (Glorot & Bengio), the initialisation GRU4Rec uses.
    ///
    /// With `blocks > 1` the first axis is cut into that many equal blocks (the gates of a GRU
    /// weight `[3H, I]`), and each block gets its own range from its own fans: `√(6 / (I + H))`.
    /// - Parameters:
    ///   - shape: a 2-D shape `[rows, columns]`; the fans are `columns` in and `rows / blocks` out.
    ///   - blocks: how many stacked matrices the shape holds along axis 0.
    ///   - generator: the random stream to draw from.
    public static func uniformGlorot(
        _ shape: [Int], blocks: Int = 1, using generator: inout SeededRandomGenerator
    ) -> Tensor<Scalar> {
        if shape.count != 2 || blocks < 1 || shape[0] % blocks != 0 {
            misuse("uniformGlorot", "needs a 2-D shape whose rows split into \(blocks) blocks, got \(shape)")
        }
        let fanOut = shape[0] / blocks, fanIn = shape[1]
        let limit = Scalar((6.0 / Double(fanIn + fanOut)).squareRoot())
        return Tensor.uniform(shape, in: -limit..<limit, using: &generator, requiresGrad: true)
    }

    /// All zeros (biases).
    public static func zeros(_ shape: [Int]) -> Tensor<Scalar> {
        Tensor(zeros: shape, requiresGrad: true)
    }

    /// Normal with the given mean and standard deviation.
    public static func normal(
        _ shape: [Int], mean: Scalar = 0, standardDeviation: Scalar, using generator: inout SeededRandomGenerator
    ) -> Tensor<Scalar> {
        Tensor.normal(shape, mean: mean, standardDeviation: standardDeviation, using: &generator, requiresGrad: true)
    }
}
