#!/usr/bin/env bash
# The README's storage example (the block marked <!-- stock-session -->)
# is run as written, from a copy of the repository's scenarios, and must
# print exactly what the README shows.
# Usage: stock_readme.sh NIMBUS SOURCE_DIR BINARY_DIR
set -euo pipefail
nimbus="$1"; src="$2"; bin="$3"
work="$bin/stock-readme-test"
rm -rf "$work"; mkdir -p "$work"; cd "$work"
ln -s "$src/scenarios" scenarios
awk '/<!-- stock-session -->/ {armed = 1; next}
     armed && /^```/ { if (inside) { armed = 0; inside = 0 } else inside = 1; next }
     inside { print }' "$src/README.md" > want
[ -s want ] || { echo "FAIL: README.md has no stock session"; exit 1; }
: > got
while IFS= read -r line; do
  [ "${line:0:2}" = '$ ' ] || continue
  echo "$line" >> got
  (nimbus() { "$nimbus" "$@"; }; eval "${line:2}") >> got 2>&1 || true
done < want
diff -u want got || { echo "FAIL: README.md's storage session prints something else"; exit 1; }
echo "README.md: $(grep -c '^\$ ' want) storage commands print what the page shows"
