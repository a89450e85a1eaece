import Nabla

/// A module that draws random numbers while it runs (dropout masks), from a stream of its own.
///
/// Checkpoints save and restore every such stream by the module's name, so training that
/// resumes from a checkpoint draws the same masks it would have drawn without stopping.
public protocol RandomStreamOwner: AnyObject {
    /// The module's random stream.
    var generator: SeededRandomGenerator { get set }
}

extension Dropout: RandomStreamOwner {}

extension Module {
    /// This module and every module below it with its full dotted name (this one as `""`),
    /// each module once, in the order of ``namedParameters(prefix:)``.
    public func namedModules(prefix: String = "") -> [(name: String, module: any Module<Scalar>)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(name: String, module: any Module<Scalar>)] = []
        func visit(_ module: any Module<Scalar>, _ name: String) {
            guard seen.insert(ObjectIdentifier(module)).inserted else { return }
            result.append((name, module))
            for (child, submodule) in module.submodules { visit(submodule, name.isEmpty ? child : "\(name).\(child)") }
        }
        visit(self, prefix)
        return result
    }

    /// Every module below this one that owns a random stream, by full dotted name.
    public var randomStreamOwners: [(name: String, owner: any RandomStreamOwner)] {
        namedModules().compactMap { entry in (entry.module as? any RandomStreamOwner).map { (entry.name, $0) } }
    }
}
