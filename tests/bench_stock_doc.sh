#!/usr/bin/env bash
# bench_stock.sh's figures come from simulated runs, so they are exact:
# it must print what docs/storage.md shows after <!-- bench-stock -->. It
# takes about a minute, so it runs only with NIMBUS_SLOW_TESTS=1 (ctest
# reports it skipped otherwise).
# Usage: bench_stock_doc.sh SOURCE_DIR BINARY_DIR
set -euo pipefail
src="$1"; bin="$2"
if [ "${NIMBUS_SLOW_TESTS:-0}" != 1 ]; then
  echo "skipped: set NIMBUS_SLOW_TESTS=1 to run bench_stock.sh (about a minute)"
  exit 77
fi
want=$(awk '/<!-- bench-stock -->/ {armed = 1; next}
            armed && /^```/ { if (inside) exit; inside = 1; next }
            inside { print }' "$src/docs/storage.md")
[ -n "$want" ] || { echo "FAIL: no bench-stock block in docs/storage.md"; exit 1; }
diff -u <(echo "$want") <(bash "$src/bench/bench_stock.sh" "$bin") ||
  { echo "FAIL: bench_stock.sh prints other figures than docs/storage.md"; exit 1; }
echo "bench_stock.sh: prints the figures docs/storage.md shows"
