import NablaNN
import Testing

/// The one DOT string quoting both drawings use.
@Suite struct DOTQuotingTests {
    @Test func quotesBackslashesAndLineBreaksAreEscaped() {
        #expect(DOT.quoted(#"a "b" \ c"#) == #""a \"b\" \\ c""#)
        #expect(DOT.quoted("first\nsecond") == #""first\nsecond""#)
    }

    @Test func carriageReturnsAreLeftOut() {
        #expect(DOT.quoted("first\r\nsecond") == #""first\nsecond""#)
    }

    @Test func plainTextIsOnlyQuoted() {
        #expect(DOT.quoted("‖∇‖ 0.5") == "\"‖∇‖ 0.5\"")
        #expect(DOT.quoted("") == "\"\"")
    }
}
