#!/usr/bin/env bash
# Pastes every tutorial as a reader would, and checks that it builds and prints what it shows.
#
# A reader's package is made from the Package.swift that tutorial 1 prints, beside a link named
# Nabla to this repository (the `.package(path: "../Nabla")` it depends on). Then, for each
# tutorial in order, every Swift listing is copied exactly as printed, one after the other, into
# the package's Sources/MyNabla/main.swift (the rule at the top of Tutorials/README.md); listings
# whose first line is a path (`// Sources/…`, `// Tests/…`, `// Examples/…`) quote the
# repository's own code and are skipped, as is tutorial 1's
# Package.swift. The program is built, run in an empty folder, and what it prints must equal the
# tutorial's `<!-- output: … -->` blocks joined in order. A compiler error names the tutorial's
# Markdown file and line.
#
#     Scripts/paste-tutorials.sh [tutorial.md ...]
#
# By default: every Tutorials/NN-*.md, then Tutorials/swift-for-pytorch-users.md, whose listings
# are one program too.
#
# The package lives in .build-paste/ (git-ignored); its .build is kept between runs, so only the
# first build compiles Nabla.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.build-paste"
package="$work/MyNabla"

if [ "$#" -gt 0 ]; then tutorials=("$@"); else tutorials=(Tutorials/[0-9][0-9]-*.md Tutorials/swift-for-pytorch-users.md); fi

# Prints the Swift listings of Markdown file $1 as one program, each listing preceded by a
# #sourceLocation directive naming its place in the Markdown. Mode "package" prints only the
# listing that starts with `// swift-tools-version` instead.
listings() {
    awk -v file="$1" -v mode="$2" '
        /^```swift[[:space:]]*$/ { inside = 1; first = 1; start = NR + 1; body = ""; next }
        inside && /^```[[:space:]]*$/ {
            inside = 0
            if (kind == "package" && mode == "package") printf "%s", body
            if (kind == "program" && mode == "program") {
                printf "#sourceLocation(file: \"%s\", line: %d)\n%s", file, start, body
                printf "#sourceLocation()\n\n"
            }
            next
        }
        inside {
            if (first) {
                kind = "program"
                if ($0 ~ /^\/\/ swift-tools-version/) kind = "package"
                if ($0 ~ /^\/\/ (Sources|Tests|Examples)\//) kind = "quote"
                first = 0
            }
            body = body $0 "\n"
        }
    ' "$1"
}

# Prints the text of every `<!-- output: NAME -->` block of Markdown file $1, in order.
outputs() {
    awk '
        /^<!-- output: .* -->[[:space:]]*$/ { wanted = 1; next }
        wanted && /^```/ && !inside { inside = 1; next }
        inside && /^```/ { inside = 0; wanted = 0; next }
        inside { print }
    ' "$1"
}

mkdir -p "$work"
ln -sfn "$root" "$work/Nabla"
mkdir -p "$package"
find "$package" -mindepth 1 -maxdepth 1 ! -name .build -exec rm -rf {} +
mkdir -p "$package/Sources/MyNabla"
listings Tutorials/01-tensors-and-gradients.md package > "$package/Package.swift"
if [ ! -s "$package/Package.swift" ]; then
    echo "paste test: tutorial 1 prints no Package.swift (a swift listing starting with // swift-tools-version)" >&2
    exit 1
fi

failed=0
for tutorial in "${tutorials[@]}"; do
    listings "$tutorial" program > "$package/Sources/MyNabla/main.swift"
    outputs "$tutorial" > "$work/expected.txt"
    echo "paste test: $tutorial ($(grep -c '^#sourceLocation(file' "$package/Sources/MyNabla/main.swift") listings)"
    if ! (cd "$package" && swift build --product MyNabla > "$work/build.log" 2>&1); then
        { grep -E "^[^ ].*error:" "$work/build.log" | awk '!seen[$0]++'; } >&2 || cat "$work/build.log" >&2
        echo "paste test: $tutorial does not build as printed" >&2
        failed=1
        continue
    fi
    run="$work/run"
    rm -rf "$run" && mkdir -p "$run"
    if ! (cd "$run" && "$package/.build/debug/MyNabla" > "$work/printed.txt" 2> "$work/errors.txt"); then
        cat "$work/errors.txt" >&2
        echo "paste test: $tutorial builds but its program fails" >&2
        failed=1
        continue
    fi
    # Figures may differ by two units of their last digit (Scripts/same-output.awk says why).
    if ! awk -f "$root/Scripts/same-output.awk" "$work/expected.txt" "$work/printed.txt"; then
        diff -u "$work/expected.txt" "$work/printed.txt" >&2
        echo "paste test: $tutorial prints other output than it shows (- shown, + printed)" >&2
        failed=1
        continue
    fi
    if [ -n "$(ls -A "$run")" ]; then
        echo "paste test: $tutorial left files in the folder it ran in: $(ls -A "$run" | tr '\n' ' ')" >&2
        failed=1
    fi
done
rm -rf "$work/run"
if [ "$failed" -ne 0 ]; then exit 1; fi
echo "paste test: ${#tutorials[@]} tutorials build as printed and print what they show"
