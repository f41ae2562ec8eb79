#!/usr/bin/env bash
# From a sweep to a paper figure (docs/experiments.md, "Sweeps"): a sweep
# over two keys x 3 seeds writes sweep.csv (provenance, keys, a reproduce
# command per run) and a summary with 95% confidence intervals; `nimbus
# plot` makes a one-page PDF (checked with pdfinfo, pdftotext and
# pdftoppm), an SVG and a PNG of the right size with something drawn; one
# cell rerun with its reproduce command gives byte-identical trace, pcap
# and metrics. Usage: sweep_plot.sh NIMBUS SOURCE_DIR BINARY_DIR
set -euo pipefail
nimbus="$1"; src="$2"; bin="$3"
work="$bin/sweep-plot-test"
rm -rf "$work"; mkdir -p "$work/bin"
fail() { echo "FAIL: $*"; exit 1; }
for tool in gnuplot pdfinfo pdftoppm pdftotext python3; do
  command -v "$tool" > /dev/null || fail "$tool is not installed (.ci/install-deps installs it)"
done
# The reproduce commands say `nimbus` and a path relative to where the sweep ran.
ln -s "$nimbus" "$work/bin/nimbus"
ln -s "$src/scenarios" "$work/scenarios"
export PATH="$work/bin:$PATH"
cd "$work"

nimbus sweep scenarios/pingpong.json --grid policy=none,offer --grid network.loss=0,0.05 --seeds 3 \
  --out sweep > summary.txt 2> progress.txt || fail "the sweep failed: $(cat progress.txt)"

# sweep.csv: a header and 2 x 2 x 3 rows, with every swept key and the provenance
[ "$(wc -l < sweep/sweep.csv)" -eq 13 ] || fail "sweep.csv has $(wc -l < sweep/sweep.csv) lines, not 13"
head -1 sweep/sweep.csv | grep -q '^scenario,scenario_sha256,nimbus,commit,build_type,overrides,balancer.policy,network.loss,seed,end,ok,' \
  || fail "sweep.csv header: $(head -1 sweep/sweep.csv)"
version=$(nimbus --version)
grep -q "^pingpong,[0-9a-f]\{64\},0.1,$(echo "$version" | sed 's/.*commit \([^,]*\),.*/\1/')," sweep/sweep.csv \
  || fail "no provenance matching '$version' in sweep.csv"
# every run's metrics.json names the same scenario hash as its row
cell=sweep/balancer.policy=offer,network.loss=0.05/seed-2
sha=$(grep ',offer,0.05,2,' sweep/sweep.csv | cut -d, -f2)
grep -q "\"scenario_sha256\": \"$sha\"" "$cell/metrics.json" || fail "$cell/metrics.json lacks the hash $sha"
# ... which is the hash of the combination's scenario.json, byte for byte
[ "$(sha256sum < "${cell%/seed-2}/scenario.json" | cut -d' ' -f1)" = "$sha" ] || fail "scenario.json is not the text hashed"

# the summary: intervals, paired differences, the reproduce commands
grep -q '^makespan (ms)$' summary.txt || fail "no makespan table"
grep -q '^balancer.policy  network.loss   ok  *mean  *sd  95% CI$' summary.txt || fail "table header: $(cat summary.txt)"
grep -q '^offer  *0.05  *3/3  *[0-9.]*  *[0-9.]*  *[0-9.-]* \.\. [0-9.]*$' summary.txt || fail "no interval for offer, 0.05"
grep -q 'paired difference from network.loss=0 (same seed, other keys equal)' summary.txt || fail "no paired differences"
cmp summary.txt <(cat sweep/summary.txt; printf '\nper run: sweep/sweep.csv; statistics: summary.csv, paired.csv; plot: nimbus plot sweep\n') \
  || fail "stdout is not summary.txt"
awk 'length > 100 && !/^  nimbus run/ { exit 1 }' summary.txt || fail "a summary line is wider than 100 columns"
grep -q '^\[12/12\] balancer.policy=offer network.loss=0.05 seed 3: makespan .*  \[.* runs done, 0 failed, ' progress.txt \
  || fail "progress: $(cat progress.txt)"

# on a terminal: one line redrawn in place (script(1) gives the sweep a terminal)
if command -v script > /dev/null; then
  script -qec "nimbus sweep scenarios/pingpong.json --policies none --seeds 3 --out tty > /dev/null" /dev/null > tty.txt
  grep -q $'\r\033\[K3/3 runs done, 0 failed, .* so far, none left' tty.txt || fail "no live progress line: $(cat -v tty.txt)"
  grep -q $'\r\033\[K\[2/3\] balancer.policy=none seed 2: makespan 22.6 ms' tty.txt \
    || fail "result lines do not erase the live line: $(cat -v tty.txt)"
fi

# the figure
nimbus plot sweep --x network.loss > plot.txt || fail "nimbus plot failed"
fig=sweep/plots/makespan_ns-by-network.loss
for ext in pdf svg png gp dat; do [ -s "$fig.$ext" ] || fail "no $fig.$ext"; done
pdfinfo "$fig.pdf" | grep -q '^Pages: *1$' || fail "the PDF is not one page: $(pdfinfo "$fig.pdf")"
pdfinfo "$fig.pdf" | grep -q '^Page size: *432 x 259 pts' || fail "the PDF is not 6 x 3.6 in: $(pdfinfo "$fig.pdf")"
text=$(pdftotext "$fig.pdf" -)
for label in "pingpong: makespan, mean and 95% CI over 3 seeds" "makespan (ms)" "network.loss" \
             "balancer.policy=none" "balancer.policy=offer"; do
  grep -qF "$label" <<< "$text" || fail "the PDF does not say '$label': $text"
done
pdftoppm -r 50 -png "$fig.pdf" page
read -r size drawn < <(python3 "$src/tests/png_check.py" page-1.png)
[ "$size" = 300x180 ] || fail "the PDF rendered at 50 dpi is $size, not 300x180"
[ "$drawn" -gt 1000 ] || fail "the rendered PDF has only $drawn non-background pixels"
read -r size drawn < <(python3 "$src/tests/png_check.py" "$fig.png")
[ "$size" = 1000x600 ] || fail "the PNG is $size, not 1000x600"
[ "$drawn" -gt 5000 ] || fail "the PNG has only $drawn non-background pixels"
grep -q 'makespan (ms)' "$fig.svg" || fail "the SVG has no y label"
# error bars: each line of the data has a mean inside its interval
awk '!/^#/ && NF == 5 { if (!($3 <= $2 && $2 <= $4)) exit 1; n++ } END { exit n != 4 }' "$fig.dat" \
  || fail "the data is not 4 points with mean inside the CI: $(cat "$fig.dat")"

# one cell again, with its reproduce command from sweep.csv: the same bytes
command=$(grep ',offer,0.05,2,' sweep/sweep.csv | sed 's/.*,//')
[ "$command" = "nimbus run scenarios/pingpong.json --seed 2 --set balancer.policy=offer --set network.loss=0.05" ] \
  || fail "reproduce command: $command"
eval "$command --out rerun --quiet --no-progress" > /dev/null || fail "$command failed"
for file in trace.jsonl net.pcap metrics.json; do
  cmp "$cell/$file" "rerun/$file" || fail "$file of the rerun differs from the cell's"
done

# bad input: named, exit 1
set +e
out=$(nimbus plot sweep --metric nosuch 2>&1); status=$?
set -e
[ $status -eq 1 ] && [ "$out" = "nimbus plot: no figure 'nosuch' (one of sweep.csv's columns, e.g. makespan_ns, response_p95_ns, migrations)" ] \
  || fail "--metric nosuch: $status $out"
echo "sweep_plot: 12 runs, summary with intervals, PDF/SVG/PNG figure, a cell rerun byte-identically"
