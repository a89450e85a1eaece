import ArgumentParser
import Foundation
import Nabla
import NablaGraphviz

/// What a drawing option's file name asks for: a Graphviz picture in the format of its
/// extension, or an `.html` page that steps through a backward pass (NablaGraphviz's
/// `BackpropagationPage`).
package enum DrawingOutput: Equatable {
    /// A picture: `.svg`, `.png` or `.pdf`.
    case picture(GraphvizFormat)
    /// A self-contained page stepping through backpropagation: `.html`.
    case page

    /// The output `path` asks for by its extension; `option` names it in the error.
    ///
    /// - Throws: `ValidationError` for any other extension.
    package init(path: String, option: String) throws {
        let ending = URL(fileURLWithPath: path).pathExtension.lowercased()
        if ending == "html" {
            self = .page
        } else if let format = GraphvizFormat(rawValue: ending) {
            self = .picture(format)
        } else {
            throw ValidationError("\(option) \(path): the file name must end in .svg, .png, .pdf or .html")
        }
    }

    /// Runs `output.backward()` and writes the page that steps through it to `path`.
    package static func writePage<Scalar>(backpropagating output: Tensor<Scalar>, title: String, to path: String) throws {
        try BackpropagationPage.backpropagating(output, title: title).write(to: URL(fileURLWithPath: path))
    }
}
