import Foundation
import Nabla

extension Tensor {
    /// This tensor's computation graph as DOT text.
    public func graphDOT(_ options: DOTOptions = DOTOptions()) -> String {
        ComputationGraph.capture(self).dot(options)
    }

    /// This tensor's computation graph rendered to SVG, PNG or PDF bytes.
    public func renderGraph(_ format: GraphvizFormat, options: DOTOptions = DOTOptions()) throws -> [UInt8] {
        try Graphviz.render(dot: graphDOT(options), format: format)
    }

    /// This tensor's computation graph rendered into a file, written atomically (see
    /// ``Graphviz/render(dot:format:to:)``).
    public func renderGraph(_ format: GraphvizFormat, to url: URL, options: DOTOptions = DOTOptions()) throws {
        try Graphviz.render(dot: graphDOT(options), format: format, to: url)
    }
}
