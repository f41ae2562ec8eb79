#!/usr/bin/env bash
# A real window under Xvfb: `nimbus viz` plays a run for some frames and
# saves what the window showed; `nimbus run --viz` watches a run live,
# and its files are byte-identical to a run without the window.
# Usage: viz_window.sh NIMBUS SOURCE_DIR BINARY_DIR
set -euo pipefail
nimbus="$1"; src="$2"; bin="$3"
work="$bin/viz-window-test"
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }
size() { od -An -tu1 -j16 -N8 "$1" | awk '{print $3*256+$4 "x" $7*256+$8}'; }

# SDL's X11 backend loads libdbus and unloads it at SDL_Quit, leaving
# allocations LeakSanitizer cannot attribute; leaks in our own drawing
# code are checked by test_viz_render, which needs no window.
window_env=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
"$nimbus" run "$src/scenarios/ring-64.json" --out "$work/replay" --quiet --no-progress > /dev/null
"$nimbus" run "$src/scenarios/lossy-pingpong.json" --out "$work/plain" --quiet --no-progress > /dev/null

"${window_env[@]}" xvfb-run -a "$nimbus" viz "$work/replay" --frames 20 --play --speed 100 --size 900x600 \
  --window-shot "$work/window.png" > "$work/viz.out"
grep -q "20 frames in" "$work/viz.out" || fail "no frame report: $(cat "$work/viz.out")"
[ -s "$work/window.png" ] || fail "no window screenshot"
[ "$(size "$work/window.png")" = 900x600 ] || fail "window.png is $(size "$work/window.png")"
# the window showed something: a blank frame compresses to a few KiB
[ "$(stat -c %s "$work/window.png")" -gt 8000 ] || fail "window.png looks blank"

"${window_env[@]}" xvfb-run -a "$nimbus" run "$src/scenarios/lossy-pingpong.json" --out "$work/live" --quiet \
  --no-progress --viz-exit --viz-shot "$work/live.png" > /dev/null
for f in trace.jsonl net.pcap metrics.json; do
  cmp "$work/plain/$f" "$work/live/$f" || fail "$f differs with --viz"
done
[ -s "$work/live.png" ] || fail "no live screenshot"
echo "viz window: ok"
