/// The `name=value,name=value` form of hyperparameters (the official GRU4Rec `-ps` form), with
/// `@name` standing for a preset's values.
public enum ParameterString {
    /// The assignments `parameters` makes, in order, with presets expanded where they stand.
    ///
    /// Each name is set once: a value after a preset overrides the preset's value, as the preset
    /// is there to be adjusted (`@rsc15-xe,n_epochs=1`); any other repetition is an error naming
    /// both values, not a silent choice of one: a name given twice, a value that a later preset
    /// would override (`n_epochs=1,@rsc15-xe`), or two presets.
    ///
    /// - Parameters:
    ///   - parameters: the text, such as `loss=bpr-max,layers=100`.
    ///   - preset: the parameter string of a preset, by name (without its `@`); throws for an
    ///     unknown one.
    /// - Throws: ``ConfigurationError`` naming the malformed pair or the repeated name.
    public static func assignments(in parameters: String, preset: (String) throws -> String) throws -> [(name: String, value: String)] {
        var assignments: [(name: String, value: String)] = []
        var explicit: [String: String] = [:]
        var presetName: String?
        for pair in parameters.split(separator: ",", omittingEmptySubsequences: true) {
            if pair.hasPrefix("@") {
                let name = String(pair.dropFirst()).trimmingCharacters(in: .whitespaces)
                let presetParameters = try preset(name)
                if let presetName {
                    throw ConfigurationError(parameter: "@\(name)", "a second preset after @\(presetName) would replace its values; give one preset")
                }
                for (presetParameter, value) in try self.pairs(presetParameters) {
                    if let earlier = explicit[presetParameter] {
                        throw ConfigurationError(parameter: presetParameter, "\(presetParameter)=\(earlier) is given before @\(name), which "
                            + "sets it to '\(value)'; put the preset first to change its values: @\(name),\(presetParameter)=\(earlier)")
                    }
                    assignments.append((presetParameter, value))
                }
                presetName = name
                continue
            }
            let (name, value) = try self.pair(pair)
            if let earlier = explicit[name] {
                throw ConfigurationError(parameter: name, "given twice ('\(earlier)' and '\(value)'); give it once")
            }
            explicit[name] = value
            assignments.append((name, value))
        }
        return assignments
    }

    /// The `name=value` pairs of a string without presets.
    static func pairs(_ parameters: String) throws -> [(String, String)] {
        try parameters.split(separator: ",").map(pair)
    }

    /// One `name=value` pair, trimmed.
    private static func pair(_ text: Substring) throws -> (String, String) {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty else { throw ConfigurationError(parameter: String(text), "expected name=value") }
        return (parts[0], parts[1])
    }
}
