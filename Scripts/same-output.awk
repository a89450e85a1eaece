# Exits 0 when the second file prints what the first shows, by the rule of the tests'
# DocumentSnippets.sameOutput: the same text, where each number with a fraction or an exponent
# may differ by at most two units of its last printed digit, written with as many digits (the
# rounding that differs between the kernels OpenBLAS picks on different CPUs); whole numbers
# must be equal. Prints the first line that differs.
#
#     awk -f Scripts/same-output.awk SHOWN PRINTED

# The line with each number replaced by "#"; the numbers go to numbers[1...], their count to numbers[0].
function take_numbers(line, numbers,    template, count) {
    template = ""; count = 0
    while (match(line, /-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?/)) {
        template = template substr(line, 1, RSTART - 1) "#"
        numbers[++count] = substr(line, RSTART, RLENGTH)
        line = substr(line, RSTART + RLENGTH)
    }
    numbers[0] = count
    return template line
}

# Whether two printed numbers are the same up to two units of the last digit.
function same_number(a, b,    a_exp, b_exp, a_frac, b_frac, a_digits, b_digits) {
    if (a == b) return 1
    a_exp = match(a, /e[-+][0-9]+$/) ? substr(a, RSTART) : ""; sub(/e[-+][0-9]+$/, "", a)
    b_exp = match(b, /e[-+][0-9]+$/) ? substr(b, RSTART) : ""; sub(/e[-+][0-9]+$/, "", b)
    a_frac = index(a, ".") ? length(a) - index(a, ".") : 0
    b_frac = index(b, ".") ? length(b) - index(b, ".") : 0
    if (a_exp != b_exp || a_frac != b_frac || (a_frac == 0 && a_exp == "")) return 0
    if (length(a) > 16 || length(b) > 16) return 0
    a_digits = a; gsub(/\./, "", a_digits)
    b_digits = b; gsub(/\./, "", b_digits)
    return (a_digits - b_digits <= 2 && b_digits - a_digits <= 2)
}

FILENAME == ARGV[1] { shown[FNR] = $0; shown_count = FNR; next }
{
    printed_count = FNR
    if (FNR > shown_count) { print "printed more lines than shown: " $0 > "/dev/stderr"; failed = 1; exit 1 }
    if ($0 == shown[FNR]) next
    shown_text = take_numbers(shown[FNR], shown_numbers)
    printed_text = take_numbers($0, printed_numbers)
    same = (shown_text == printed_text && shown_numbers[0] == printed_numbers[0])
    for (i = 1; same && i <= shown_numbers[0]; i++) same = same_number(shown_numbers[i], printed_numbers[i])
    if (!same) { print "line " FNR " differs:\n  shown:   " shown[FNR] "\n  printed: " $0 > "/dev/stderr"; failed = 1; exit 1 }
}
END {
    if (failed) exit 1
    if (printed_count != shown_count) { print "printed " printed_count " lines, shown " shown_count > "/dev/stderr"; exit 1 }
}
