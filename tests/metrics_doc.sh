#!/usr/bin/env bash
# docs/metrics.md's metrics.json example (the block marked
# <!-- metrics-pingpong-42 -->) is what `nimbus run scenarios/pingpong.json
# --seed 42` writes: every line of it but those holding "..." is a line of
# the real file.
# Usage: metrics_doc.sh NIMBUS SOURCE_DIR BINARY_DIR
set -euo pipefail
nimbus="$1"; src="$2"; bin="$3"
out="$bin/test-runs/metrics-doc"
"$nimbus" run "$src/scenarios/pingpong.json" --seed 42 --out "$out" --quiet --no-progress > /dev/null
awk '/<!-- metrics-pingpong-42 -->/ {armed = 1; next}
     armed && /^```/ { if (inside) exit; inside = 1; next }
     inside' "$src/docs/metrics.md" > "$out/doc.json"
[ -s "$out/doc.json" ] || { echo "FAIL: docs/metrics.md has no metrics-pingpong-42 block"; exit 1; }
checked=0
while IFS= read -r line; do
  case "$line" in *...*) continue ;; esac
  if ! grep -qxF -- "$line" "$out/metrics.json"; then
    echo "FAIL: docs/metrics.md shows a line the run does not write: $line"
    exit 1
  fi
  checked=$((checked + 1))
done < "$out/doc.json"
echo "docs/metrics.md: $checked lines of the example are in the real metrics.json"
