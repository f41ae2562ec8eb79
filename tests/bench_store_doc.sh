#!/usr/bin/env bash
# bench_store's figures are counts, not timings: it must print exactly
# what docs/storage.md shows after <!-- bench-store -->.
# Usage: bench_store_doc.sh BENCH_STORE SOURCE_DIR
set -euo pipefail
bench="$1"; src="$2"
want=$(awk '/<!-- bench-store -->/ {armed = 1; next}
            armed && /^```/ { if (inside) exit; inside = 1; next }
            inside { print }' "$src/docs/storage.md")
[ -n "$want" ] || { echo "FAIL: no bench-store block in docs/storage.md"; exit 1; }
diff -u <(echo "$want") <("$bench") || { echo "FAIL: bench_store prints other figures than docs/storage.md"; exit 1; }
echo "bench_store: prints the figures docs/storage.md shows"
