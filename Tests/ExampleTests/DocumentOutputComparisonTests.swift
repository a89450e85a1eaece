import NablaTestSupport
import Testing

/// The rule by which printed output must match a document: text and whole numbers exactly,
/// figures with a fraction or an exponent to within two units of their last printed digit (the
/// rounding that differs between the kernels OpenBLAS picks on different CPUs).
@Suite struct DocumentOutputComparisonTests {
    @Test(arguments: [
        ("completeness residual -4.75e-04", "completeness residual -4.76e-04"),
        ("score 11.9106 after", "score 11.9107 after"),
        ("loss 0.3580 · 70.7%", "loss 0.3582 · 70.6%"),
        ("24 items, 10638 predictions", "24 items, 10638 predictions"),
    ])
    func lastDigitRoundingIsTheSameOutput(shown: String, printed: String) {
        #expect(DocumentSnippets.sameOutput(shown: shown, printed: printed))
    }

    @Test(arguments: [
        ("loss 0.3580", "loss 0.3583"),                 // three units of the last digit
        ("24 items", "25 items"),                       // counts are exact
        ("residual -4.75e-04", "residual -4.75e-05"),   // another exponent
        ("Recall 0.358", "Recall 0.3580"),              // another number of digits
        ("Camera Bag 0.25", "Camera Case 0.25"),        // other words
        ("0.1 0.2", "0.1 0.2 0.3"),                     // another count of numbers
    ])
    func anythingMoreIsADifference(shown: String, printed: String) {
        #expect(!DocumentSnippets.sameOutput(shown: shown, printed: printed))
    }
}
