#!/usr/bin/env bash
# `nimbus viz` from the command line, without a window: a screenshot is
# a PNG of the asked size, the same bytes every time; bad inputs (no run,
# no trace, a malformed line, a newer schema, a bad --at) exit 1 with a
# clear message. Usage: viz_cli.sh NIMBUS SOURCE_DIR BINARY_DIR
set -euo pipefail
nimbus="$1"; src="$2"; bin="$3"
work="$bin/viz-cli-test"
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

"$nimbus" run "$src/scenarios/ring-64.json" --out "$work/run" --quiet --no-progress > /dev/null

# screenshots: PNG, size, byte-identical for the same time, different for another
"$nimbus" viz "$work/run" --screenshot "$work/a.png" --at 250ms --select 0
"$nimbus" viz "$work/run" --screenshot "$work/b.png" --at 250000000ns --select 0
"$nimbus" viz "$work/run" --screenshot "$work/c.png" --at 1.5s --size 640x480 --messages
cmp "$work/a.png" "$work/b.png" || fail "two screenshots of one time differ"
cmp -s "$work/a.png" "$work/c.png" && fail "screenshots of two times are the same"
[ "$(head -c 8 "$work/a.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || fail "not a PNG"
size() { od -An -tu1 -j16 -N8 "$1" | awk '{print $3*256+$4 "x" $7*256+$8}'; }
[ "$(size "$work/a.png")" = 1280x800 ] || fail "a.png is $(size "$work/a.png")"
[ "$(size "$work/c.png")" = 640x480 ] || fail "c.png is $(size "$work/c.png")"
# the drawn series as CSV, without a window or display (docs/viz.md)
env -u DISPLAY SDL_VIDEODRIVER=offscreen "$nimbus" viz "$work/run" --export-csv "$work/series.csv"
[ "$(head -1 "$work/series.csv")" = "t_ns,node,up,run_queue,load_avg_milli,imbalance_milli" ] ||
  fail "series.csv header: $(head -1 "$work/series.csv")"
# ring-64 boots 64 nodes at t 0: a row for each, node 0's ring process runnable
[ "$(grep -c '^0,' "$work/series.csv")" = 64 ] || fail "series.csv: not 64 rows at t 0"
grep -qx '0,0,1,1,0,[0-9]*' "$work/series.csv" || fail "series.csv: node 0 at t 0: $(grep '^0,0,' "$work/series.csv")"
# past the end: clamped, not an error
"$nimbus" viz "$work/run" --screenshot "$work/end.png" --at 999s

expect() { # status, message, args...
  local want="$1" msg="$2"; shift 2
  local status=0
  "$nimbus" viz "$@" > "$work/out" 2>&1 || status=$?
  [ "$status" = "$want" ] || fail "nimbus viz $*: status $status, want $want: $(cat "$work/out")"
  grep -qF -- "$msg" "$work/out" || fail "nimbus viz $*: said '$(cat "$work/out")', want '$msg'"
}

expect 1 "$work/none: No such file or directory" "$work/none" --screenshot "$work/x.png"
mkdir -p "$work/empty"
expect 1 "no trace.jsonl in this directory" "$work/empty" --screenshot "$work/x.png"
head -3 "$work/run/trace.jsonl" > "$work/bad.jsonl"
echo '{"t":5,"node":0,"ev":"load","load_milli":"high","runq":1,"procs":1}' >> "$work/bad.jsonl"
expect 1 "$work/bad.jsonl:4: \"load\" event: field \"load_milli\" has the wrong type" "$work/bad.jsonl" --screenshot "$work/x.png"
head -2 "$work/run/trace.jsonl" > "$work/cut.jsonl"
printf '{"t":5,"node":0,"ev":"bo' >> "$work/cut.jsonl"
expect 1 "$work/cut.jsonl:3: column" "$work/cut.jsonl" --screenshot "$work/x.png"
sed '1s/"schema":1/"schema":9/' "$work/run/trace.jsonl" > "$work/new.jsonl"
expect 1 "$work/new.jsonl:1: trace schema 9 is newer than this visualizer reads" "$work/new.jsonl" --screenshot "$work/x.png"
printf 'not json\n' > "$work/junk.jsonl"
expect 1 "$work/junk.jsonl:1: column 1:" "$work/junk.jsonl" --screenshot "$work/x.png"
expect 1 "--at: 'end' or a time like 12.5s: ambiguous unit \"m\" (write min for minutes or ms for milliseconds), got '12m'" "$work/run" --screenshot "$work/x.png" --at 12m
expect 1 "--select: no process n3.99" "$work/run" --screenshot "$work/x.png" --select n3.99
expect 1 "unknown option '--bogus'" "$work/run" --bogus
expect 2 "cannot write" "$work/run" --screenshot "$work/no/such/dir/x.png"
expect 2 "cannot write $work/no/such/dir/x.csv" "$work/run" --export-csv "$work/no/such/dir/x.csv"
[ ! -e "$work/x.png" ] || fail "a rejected run still wrote a screenshot"
# no display: a clear refusal, not an invisible window; the run itself
# goes on without its live view
nodisplay=(env -u DISPLAY -u WAYLAND_DISPLAY SDL_VIDEODRIVER=offscreen)
status=0
"${nodisplay[@]}" "$nimbus" viz "$work/run" > "$work/out" 2>&1 || status=$?
[ "$status" = 2 ] && grep -q "no display" "$work/out" || fail "no display: status $status: $(cat "$work/out")"
"${nodisplay[@]}" "$nimbus" run "$src/scenarios/ring-64.json" --out "$work/novis" --quiet \
  --no-progress --viz > /dev/null 2> "$work/out" || fail "run --viz without a display failed"
grep -q "live view failed" "$work/out" || fail "run --viz without a display: $(cat "$work/out")"
cmp "$work/run/trace.jsonl" "$work/novis/trace.jsonl" || fail "run --viz changed the trace"
# the dummy video driver can still count frames (headless smoke test)
SDL_VIDEODRIVER=dummy "$nimbus" viz "$work/run" --frames 3 --play | grep -q "3 frames in" || fail "dummy frames"
"$nimbus" help viz | grep -q "Exit status" || fail "help viz"
echo "viz cli: ok"
