import Nabla

/// The stored properties that lead from an object to a value inside it, found by reflection:
/// `cell2.weightIH`, `layers[1].bias`. For naming a tensor in a message; nothing depends on it.
struct PropertyPath {
    /// One property on the way: its label (`cell2`, `[1]`) and the value it holds.
    struct Step {
        let label: String
        let value: Any
    }

    /// From the outermost property to the one holding the value.
    let steps: [Step]

    /// The whole path, e.g. `layers[1].bias`.
    var text: String { text(upTo: steps.count - 1) }

    /// The path up to and including step `last`.
    func text(upTo last: Int) -> String {
        steps[...last].reduce("") { path, step in
            step.label.hasPrefix("[") || path.isEmpty ? path + step.label : path + "." + step.label
        }
    }

    /// The shortest path of stored properties from `root` to the object `target`, looking
    /// through classes, structs, tuples, optionals, arrays and dictionaries; `nil` when none
    /// leads there within a bounded search. Tensors and arrays of plain values are not entered.
    static func find(_ target: AnyObject, in root: AnyObject) -> PropertyPath? {
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        var frontier: [[Step]] = [[]]
        var values: [Any] = [root]
        var budget = 100_000
        for _ in 0..<12 where !frontier.isEmpty {
            var nextFrontier: [[Step]] = [], nextValues: [Any] = []
            for (path, value) in zip(frontier, values) {
                for child in children(of: value) {
                    budget -= 1
                    if budget < 0 { return nil }
                    let steps = path + [child]
                    if type(of: child.value) is AnyClass {
                        let object = child.value as AnyObject
                        if object === target { return PropertyPath(steps: steps) }
                        guard visited.insert(ObjectIdentifier(object)).inserted, !isTensor(object) else { continue }
                    }
                    nextFrontier.append(steps)
                    nextValues.append(child.value)
                }
            }
            (frontier, values) = (nextFrontier, nextValues)
        }
        return nil
    }

    /// The labelled children of `value`: its stored properties (a class's inherited ones too),
    /// elements as `[index]`, dictionary values as `[key]`, an optional's content under no label
    /// of its own.
    private static func children(of value: Any) -> [Step] {
        let mirror = Mirror(reflecting: value)
        let steps: [Step]
        switch mirror.displayStyle {
        case .collection?, .set?:
            guard let first = mirror.children.first, !isPlain(first.value) else { return [] }
            steps = mirror.children.enumerated().map { Step(label: "[\($0.offset)]", value: $0.element.value) }
        case .dictionary?:
            steps = mirror.children.compactMap { entry in
                let pair = Array(Mirror(reflecting: entry.value).children)
                guard pair.count == 2, !isPlain(pair[1].value) else { return nil }
                return Step(label: "[\(pair[0].value)]", value: pair[1].value)
            }
        default:
            var all: [Step] = []
            var current: Mirror? = mirror
            while let level = current {
                all += level.children.enumerated().map { Step(label: $0.element.label ?? ".\($0.offset)", value: $0.element.value) }
                current = level.superclassMirror
            }
            steps = all
        }
        return steps.compactMap { step in unwrapped(step.value).map { Step(label: step.label, value: $0) } }
    }

    /// The content of an optional (of optionals), `nil` for none; any other value as it is.
    private static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.flatMap { unwrapped($0.value) }
    }

    /// Whether `value` holds nothing that can lead to a tensor: a number, a string, a flag.
    private static func isPlain(_ value: Any) -> Bool {
        Mirror(reflecting: value).children.isEmpty && !(type(of: value) is AnyClass)
    }

    private static func isTensor(_ object: AnyObject) -> Bool { object is Tensor<Float> || object is Tensor<Double> }
}
