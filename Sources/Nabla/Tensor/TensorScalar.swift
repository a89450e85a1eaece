import NablaKernels
import RealModule

/// The element types a tensor can hold: `Float` and `Double`.
///
/// Everything elementwise comes from swift-numerics' `Real` (`exp`, `log`, `tanh`, ...), and
/// `SIMDScalar` lets hot loops work on vectors of them; the one thing a scalar type adds is the
/// BLAS routine that multiplies matrices of it (`KernelScalar`, from the NablaKernels target).
public protocol TensorScalar: Real, BinaryFloatingPoint, SIMDScalar, Codable, Sendable, CustomStringConvertible, KernelScalar {
    /// The safetensors-style name of the type: `"F32"` or `"F64"`.
    static var dtypeName: String { get }
}

extension Float: TensorScalar {
    /// `"F32"`.
    public static var dtypeName: String { "F32" }
}

extension Double: TensorScalar {
    /// `"F64"`.
    public static var dtypeName: String { "F64" }
}
