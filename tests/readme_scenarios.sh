#!/usr/bin/env bash
# README.md's table of shipped scenarios names every file in scenarios/,
# and names no file that is not there.
# Usage: readme_scenarios.sh SOURCE_DIR
set -euo pipefail
src="$1"
# The table under "Shipped scenarios", up to the first line after it
# that is not a table row.
listed=$(awk '/^Shipped scenarios/ {on = 1; next}
              on && /^\|/ {table = 1; print; next}
              table {exit}' "$src/README.md" | grep -o '^| `[a-z0-9-]*\.json` |' | tr -d '|` ' | sort)
shipped=$(cd "$src/scenarios" && ls -- *.json | sort)
if [ "$listed" != "$shipped" ]; then
  echo "FAIL: README.md's scenario table and scenarios/ differ (< README, > scenarios/):"
  diff <(echo "$listed") <(echo "$shipped") || true
  exit 1
fi
echo "README.md names all $(echo "$shipped" | wc -l) shipped scenarios"
