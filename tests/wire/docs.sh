#!/usr/bin/env bash
# docs/wireshark.md's sessions (the blocks marked <!-- wireshark-session -->)
# run as written, in order, from a directory that links the repository's
# scenarios, tools and tests, with HOME there too (one session installs
# the dissector into ~/.local/lib/wireshark/plugins). What each command
# prints on stdout must be exactly what the page shows; stderr (tshark's
# notice when run as root, nimbus's progress) is kept aside.
#   docs.sh <nimbus> <source dir> <build dir>
set -euo pipefail
nimbus=$(realpath "$1") src=$(realpath "$2") work=$(realpath -m "$3/test-runs/wire-docs")
rm -rf "$work"
mkdir -p "$work/home"
cd "$work"
ln -s "$src/scenarios" scenarios
ln -s "$src/tools" tools
ln -s "$src/tests" tests
awk '/<!-- wireshark-session -->/ { armed = 1; next }
     armed && /^```/ { if (inside) { armed = 0; inside = 0 } else inside = 1; next }
     inside { print }' "$src/docs/wireshark.md" > want
[ "$(grep -c '^\$ ' want)" -gt 0 ] || { echo "FAIL: docs/wireshark.md has no session"; exit 1; }
: > got
while IFS= read -r line; do
    [ "${line:0:2}" = '$ ' ] || continue
    echo "$line" >> got
    (export HOME=$work/home; nimbus() { "$nimbus" "$@"; }; eval "${line:2}") >> got 2>> stderr ||
        echo "(exit status $?)" >> got
done < want
diff -u want got || { echo "FAIL: docs/wireshark.md's sessions print something else (stderr: $work/stderr)"; exit 1; }
echo "docs/wireshark.md: $(grep -c '^\$ ' want) commands print what the page shows"
