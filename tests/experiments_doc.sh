#!/usr/bin/env bash
# docs/experiments.md runs as written: every command in a ```sh block is
# run (in order, in a scratch directory holding a copy of scenarios/, with
# `nimbus` on PATH; a command shown twice runs once) and must succeed,
# and every line of an ```output block must be a line of what the ```sh
# block before it printed on stdout: the figures the page shows are the
# figures a run gives. Usage: experiments_doc.sh NIMBUS SOURCE_DIR BINARY_DIR
set -euo pipefail
nimbus="$1"; src="$2"; bin="$3"
doc="$src/docs/experiments.md"
work="$bin/experiments-doc-test"
rm -rf "$work"; mkdir -p "$work/bin"
fail() { echo "FAIL: $*"; exit 1; }
ln -s "$nimbus" "$work/bin/nimbus"
cp -r "$src/scenarios" "$work/scenarios" # the generator rewrites its files: not the tree's
export PATH="$work/bin:$PATH"
cd "$work"

declare -A ran=()
block="" command="" out="" blocks=0 commands=0 checked=0
run_command() {
  [ -n "${ran[$1]:-}" ] && return 0
  ran[$1]=1
  commands=$((commands + 1))
  echo "\$ $1"
  eval "$1" >> "$out" 2> "$work/stderr.txt" || fail "docs/experiments.md: '$1' failed: $(tail -5 "$work/stderr.txt")"
}
while IFS= read -r line; do
  trimmed="${line#"${line%%[![:space:]]*}"}" # fences and commands may be indented (in a list)
  if [ "$block" = output ] && [ "$trimmed" = '```' ]; then block=""; continue; fi
  [ "$block" = output ] || line="$trimmed" # output is compared as shown, with its indentation
  case "$block:$line" in
    ':```sh') block=sh; blocks=$((blocks + 1)); out="$work/out-$blocks.txt"; : > "$out" ;;
    ':```output') block=output; [ -n "$out" ] || fail "an output block before any command block" ;;
    sh:'```') block="" ;;
    sh:*)
      command+="${line%\\}"
      if [[ "$line" == *\\ ]]; then command+=" "; else run_command "$command"; command=""; fi ;;
    output:*)
      grep -qxF -- "$line" "$out" || fail "docs/experiments.md shows '$line', the commands printed:
$(cat "$out")"
      checked=$((checked + 1)) ;;
  esac
done < "$doc"
[ "$commands" -gt 0 ] && [ "$checked" -gt 0 ] || fail "no commands or no outputs found in $doc"
echo "experiments_doc: $commands commands ran, $checked lines of shown output matched"
