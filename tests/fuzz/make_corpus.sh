#!/usr/bin/env bash
# Rebuild the committed seed corpora tests/fuzz/corpus/<harness>/ from real
# inputs, minimised with libFuzzer's -merge=1: the fewest of them that
# cover every edge all of them cover (README.md here).
# Usage: tests/fuzz/make_corpus.sh BUILD_FUZZ_DIR
# BUILD_FUZZ_DIR is a -DNIMBUS_FUZZ=ON build with the harnesses, the user
# programs and nimbus built.
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for name in scenario elf frame viz_trace run_check check_history procimage bootinfo node_config shell_parse store; do
  mkdir -p "$work/seed/$name"
done

# Scenarios: the shipped ones, the tests' ones and the malformed ones.
cp "$root"/scenarios/*.json "$root"/tests/scenarios/*.json "$root"/tests/scenarios/bad/*.json \
   "$root"/tests/outside/*.json "$work/seed/scenario/"
# Programs: every user program's ELF file.
cp "$build"/user/*.elf "$work/seed/elf/"
# Frames and trace lines: real runs of chatty-8 (node 7 is the frame
# harness's node) and of a pre-copy move under stress.
for scenario in scenarios/chatty-8.json tests/scenarios/precopy-stress.json scenarios/lossy-pingpong.json; do
  run="$work/run-$(basename "$scenario" .json)"
  "$build/nimbus" run "$root/$scenario" --out "$run" --quiet > /dev/null
  for node in 1 7; do
    python3 "$root/tests/fuzz/pcap_frames.py" "$run/net.pcap" "$work/seed/frame/$(basename "$run")-n$node" $node 8 > /dev/null
  done
  for size in 20 200 2000; do
    head -n "$size" "$run/trace.jsonl" > "$work/seed/viz_trace/$(basename "$run")-$size.jsonl"
    cp "$work/seed/viz_trace/$(basename "$run")-$size.jsonl" "$work/seed/run_check/"
  done
done
# Whole traces for the run checks, with their end lines.
cp "$work"/run-*/trace.jsonl "$work/seed/run_check/" 2>/dev/null || true
# Process images and boot information: the harnesses make a valid one
# themselves; these control bytes select each protocol and edit mode.
for control in 00 01 02 03 04 05 06 07 0c 0d 0e 0f; do
  printf "\x$control" > "$work/seed/procimage/control-$control"
done
for selector in 00 02 03 04 06; do
  printf "\x$selector" > "$work/seed/bootinfo/selector-$selector"
done
# Boot modules: multiboot 1 with mods_count 255 (cut to the entries that
# fit), multiboot 2 with the module's end moved before its start.
printf '\x06\x14\xff' > "$work/seed/bootinfo/mb1-module-count"
printf '\x04\xc6\x00' > "$work/seed/bootinfo/mb2-module-backwards"
# Store images: the harness makes a valid one itself; these control
# bytes and edits select plain images, repaired checksums, superblock
# edits, and an edit of each block kind (superblock, nodes, data).
for control in 00 01 02 03; do
  printf "\x$control" > "$work/seed/store/control-$control"
done
printf '\x01\x00\x00\x30\x07' > "$work/seed/store/super-root"
printf '\x01\x00\x20\x26\x01' > "$work/seed/store/node-count"
printf '\x01\x00\x30\x40\xff\x00\x40\x10\x01' > "$work/seed/store/two-edits"
# Command lines from docs/x86.md and tests/x86.
i=0
while IFS= read -r line; do
  printf '%s' "$line" > "$work/seed/node_config/line-$((i++))"
done <<'EOF'
node=1 nodes=3 balance=offer
node=0 nodes=2 exit=idle run=pingpong:client:n1.1:10
node=1 nodes=2 exit=idle run=pingpong:server:10,hello
run=stackuse:60:2,stackuse:70:2
node=2 nodes=4 ip=10.0.0.9 migrate=pre-copy balance=mosix run=worker:100
selftest=exit:7
selftest=disk-bench:16 ata=pio
selftest=disk-write:42
balance=two-choices migrate=stop-and-copy ata=dma selftest=fault
EOF
# Histories of atomic actions: the hand-made ones, each anomaly among them.
cp "$root"/tests/histories/*.jsonl "$work/seed/check_history/"
# Terminal input: the shell's commands, Backspace, DEL, an arrow key's
# escape sequence, Ctrl-C and each Enter (CR, LF, CR LF).
i=0
for keys in 'help\r' 'ps\n' 'peers\r\n' 'load\r' 'spawn pingpong server 10\r' 'migrate n0.1 1\r' \
            'programs\r' 'spawn hellp\x7f\x08o\r' 'mig\x1b[Arate n1.65535 2\r' 'ps\x03load\r'; do
  printf "$keys" > "$work/seed/shell_parse/keys-$((i++))"
done

for name in scenario elf frame viz_trace run_check check_history procimage bootinfo node_config shell_parse store; do
  corpus="$root/tests/fuzz/corpus/$name"
  rm -rf "$corpus"
  mkdir -p "$corpus"
  "$build/tests/fuzz/fuzz_$name" -merge=1 "$corpus" "$work/seed/$name" > "$work/$name.log" 2>&1
  echo "$name: $(ls "$work/seed/$name" | wc -l) real inputs, $(ls "$corpus" | wc -l) kept," \
       "$(cat "$corpus"/* | wc -c) bytes"
done
echo "corpora: $(cat "$root"/tests/fuzz/corpus/*/* | wc -c) bytes in tests/fuzz/corpus"
