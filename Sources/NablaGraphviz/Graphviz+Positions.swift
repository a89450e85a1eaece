extension Graphviz {
    /// Where Graphviz's `dot` layout puts the centre of each node of `dot`, in points, by node
    /// name (`n12`), with y growing upwards: a test or a page built on the picture can check
    /// or find a node's place.
    ///
    /// - Throws: ``GraphvizError`` when the text does not parse or the layout fails.
    public static func nodeCenters(dot: String) throws -> [String: SIMD2<Double>] {
        let plain = String(decoding: try renderPlain(dot: dot), as: UTF8.self)
        var centres: [String: SIMD2<Double>] = [:]
        for line in plain.split(separator: "\n") where line.hasPrefix("node ") {
            let fields = line.split(separator: " ", maxSplits: 4)
            guard fields.count >= 4, let x = Double(fields[2]), let y = Double(fields[3]) else { continue }
            centres[String(fields[1]).trimmingCharacters(in: ["\""])] = SIMD2(x * 72, y * 72)
        }
        return centres
    }
}
