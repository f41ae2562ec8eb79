#!/usr/bin/env bash
# Translated and interpreted runs agree byte for byte: every shipped
# scenario (scenarios/*.json) and the test scenarios that move processes
# (tests/scenarios/precopy-*.json, sleeper-moved.json) run once with the
# built-in programs' translations and once with --interpret, and
# trace.jsonl, every pcap file and metrics.json must be identical. A scenario
# that runs long is cut short with --set duration=... (the same for both
# runs). test_xlat has the unit tests.
# Usage: xlat_scenarios.sh NIMBUS SOURCE_DIR BUILD_DIR
set -euo pipefail
nimbus="$1" src="$2" build="$3"
out="$build/xlat_scenarios"
rm -rf "$out"
mkdir -p "$out"

# Scenarios that would run for minutes: how long to simulate them.
duration_for() {
  case "$(basename "$1")" in
    churn-32.json | uniform-64.json | ring-64.json | hotspot-16.json) echo "--set duration=2s" ;;
    *) echo "" ;;
  esac
}

failed=0
count=0
for scn in "$src"/scenarios/*.json "$src"/tests/scenarios/precopy-*.json "$src"/tests/scenarios/sleeper-moved.json; do
  name=$(basename "$scn" .json)
  extra=$(duration_for "$scn")
  # shellcheck disable=SC2086 # extra is zero or two words
  "$nimbus" run "$scn" --quiet --no-progress --out "$out/$name/xlat" $extra >"$out/$name.xlat.log" 2>&1 || true
  # shellcheck disable=SC2086
  "$nimbus" run "$scn" --quiet --no-progress --interpret --out "$out/$name/interp" $extra \
    >"$out/$name.interp.log" 2>&1 || true
  # A rack topology writes a pcap per rack (net-rack<R>.pcap) instead of net.pcap.
  pcaps=$(cd "$out/$name/interp" 2>/dev/null && ls ./*.pcap 2>/dev/null | sed 's|^\./||' || true)
  for f in trace.jsonl ${pcaps:-net.pcap} metrics.json; do
    if [ ! -s "$out/$name/interp/$f" ]; then
      echo "FAIL: $name: the interpreted run wrote no $f (see $out/$name.interp.log)"
      failed=1
    elif ! cmp -s "$out/$name/xlat/$f" "$out/$name/interp/$f"; then
      echo "FAIL: $name: $f differs between translated and interpreted runs"
      cmp "$out/$name/xlat/$f" "$out/$name/interp/$f" || true
      failed=1
    fi
  done
  count=$((count + 1))
done
[ "$failed" = 0 ] || exit 1
echo "translated and interpreted runs identical for $count scenarios"
