/// The derivative rule of each op, as text: what its backward code does with the gradient `g`
/// of its output `y` to make the gradients of its inputs.
///
/// The texts follow the doc comments beside each op's backward code (Nabla's ops and NablaNN's
/// fused ops), so a reader stepping through a backward pass sees the rule the code applies.
///
/// ```swift
/// DerivativeRules.rule(for: "tanh")  // "tanh: ∂x = g · (1 − y²)"
/// ```
public enum DerivativeRules {
    /// The rule of every op Nabla and NablaNN record, by op name, without the name.
    public static let rules: [String: String] = [
        "add": "∂a = g, ∂b = g, each summed back over broadcast axes",
        "sub": "∂a = g, ∂b = −g, each summed back over broadcast axes",
        "mul": "∂a = g · b, ∂b = g · a, each summed back over broadcast axes",
        "div": "∂a = g / b, ∂b = −g · a / b², each summed back over broadcast axes",
        "neg": "∂x = −g",
        "exp": "∂x = g · eˣ = g · y",
        "log": "∂x = g / x",
        "sqrt": "∂x = g / (2y)",
        "pow": "∂x = g · p · xᵖ⁻¹ (and ∂p = g · y · ln x for a tensor exponent)",
        "square": "∂x = g · 2x",
        "tanh": "∂x = g · (1 − y²)",
        "sigmoid": "∂x = g · y(1 − y)",
        "softplus": "∂x = g · σ(x)",
        "relu": "∂x = g where x > 0, else 0",
        "elu": "∂x = g for x > 0, else g · (y + α)",
        "matmul": "C = A·B: ∂A = G·Bᵀ, ∂B = Aᵀ·G",
        "sum": "∂x = g broadcast back over the summed axes (every element contributed once)",
        "sum(toShape:)": "∂x = g broadcast back to the input's shape",
        "mean": "∂x = g / n broadcast back over the averaged axes",
        "max": "∂x = g at the element that was the maximum (the first one), 0 elsewhere",
        "logSumExp": "∂x = g · softmax(x) along the reduced axes",
        "reshape": "∂x = g reshaped back to the input's shape",
        "expand": "∂x = g summed back over the broadcast axes",
        "transpose": "∂x = g transposed back",
        "permute": "∂x = g permuted by the inverse order",
        "slice": "∂x = g placed back into the sliced positions of a zero tensor",
        "split": "each input receives its own slice of g",
        "chunk": "each input receives its own slice of g",
        "concat": "each input receives its own slice of g",
        "gather": "row-sparse: row indices[i] of the table receives row i of g",
        "diagonal": "∂x = g placed on the diagonal of a zero matrix",
        "where": "∂a = g where the condition holds, ∂b = g elsewhere",
        ".==": "no gradient (a comparison is constant)",
        ".!=": "no gradient (a comparison is constant)",
        ".<": "no gradient (a comparison is constant)",
        ".<=": "no gradient (a comparison is constant)",
        ".>": "no gradient (a comparison is constant)",
        ".>=": "no gradient (a comparison is constant)",
        "dropout": "∂x = g ⊙ mask; the mask, a constant, gets no gradient",
        "crossEntropy": "∂rᵢⱼ = g · (softmaxᵢⱼ − [i = j]) from the stored probabilities",
        "bprMax": "negative j: ∂L/∂rⱼ = −(∂A/∂rⱼ)/(A + 10⁻²⁴) + bpreg · ∂B/∂rⱼ, with ∂A/∂rⱼ = sⱼ(σⱼ − A) − sⱼσⱼ(1 − σⱼ), ∂B/∂rⱼ = sⱼ(rⱼ² − B) + 2sⱼrⱼ",
        "sampledScores": "∂h = g · Wₛ, ∂Wₛ = gᵀ · h for the rows of the scored items (row-sparse)",
        "gru.pytorch": "h = (1 − z) ⊙ n + z ⊙ h₋₁: ∂n = g(1 − z), ∂z = g(h₋₁ − n), ∂h₋₁ = g · z + the paths through r, z and n; gate derivatives σ' = y(1 − y), tanh' = 1 − y²",
        "gru.original": "h = (1 − z) ⊙ h₋₁ + z ⊙ n: ∂n = g · z, ∂z = g(n − h₋₁), ∂h₋₁ = g(1 − z) + the paths through r, z and n; gate derivatives σ' = y(1 − y), tanh' = 1 − y²",
    ]

    /// The rule of `op` as `op: rule`, or `nil` when no rule is recorded for it.
    public static func rule(for op: String) -> String? {
        rules[op].map { "\(op): \($0)" }
    }
}
