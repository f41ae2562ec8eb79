#!/usr/bin/env bash
# layers.sh CHECK_LAYERS SOURCE_DIR BINARY_DIR - the layer rule
# (tests/layers/layers.txt, docs/architecture.md "Layers") holds for the
# tree as built, and a forbidden include added to a copy of the tree is
# named with its file, the header and the rule it breaks.
set -euo pipefail
checker=$1 src=$(realpath "$2") bin=$(realpath "$3")
rules=$src/tests/layers/layers.txt
dbs=("$bin/compile_commands.json" "$bin/user/compile_commands.json")

echo "--- the tree as it is"
"$checker" "$rules" "$src" --ignore "$bin" "${dbs[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
copy=$work/tree

# A fresh copy of the C sources with LINE appended to FILE; the build
# directory is linked in where it was, so the database's commands run.
make_copy() { # file line
  rm -rf "$copy"
  mkdir -p "$copy"
  for d in core hal host hal-sim sweep hal-x86 viz kvd cli user tests bench; do
    cp -r "$src/$d" "$copy/$d"
  done
  case $bin in "$src"/*) ln -s "$bin" "$copy/${bin#"$src"/}" ;; esac
  printf '%s\n' "$2" >> "$copy/$1"
}

failures=0
# Only the units of the changed file's top folder are compiled again,
# which is where the include is seen.
expect_forbidden() { # file line expected-message
  make_copy "$1" "$2"
  local out rc=0
  out=$("$checker" "$rules" "$copy" --ignore "$bin" --moved-from "$src" --only "${1%%/*}" \
    "${dbs[@]}") || rc=$?
  if [ "$rc" -eq 1 ] && grep -qxF -- "$3" <<<"$out"; then
    echo "caught: $3"
  else
    echo "FAIL: after adding '$2' to $1 expected exit 1 and the line"
    echo "  $3"
    echo "got exit $rc and:"
    sed 's/^/  /' <<<"$out"
    failures=$((failures + 1))
  fi
}

echo "--- forbidden includes added to copies of the tree"
expect_forbidden hal-x86/launcher/boot_qemu.c '#include "hal-sim/sim.h"' \
  "hal-x86/launcher/boot_qemu.c includes hal-sim/sim.h: hal-x86/launcher may include only core, hal, host, hal-x86/kernel, hal-x86/font, user/programs.h, user/programs_xlat.h"
expect_forbidden viz/viz_color.c '#include "hal-sim/scenario.h"' \
  "viz/viz_color.c includes hal-sim/scenario.h: viz may include only host"
expect_forbidden core/names.c '#include "host/xalloc.h"' \
  "core/names.c includes host/xalloc.h: core may include only hal"
expect_forbidden hal-sim/sim.h '#include "cli/cli.h"' \
  "hal-sim/sim.h includes cli/cli.h: hal-sim may include only core, hal, host, user/programs.h, user/programs_xlat.h"
expect_forbidden user/programs/hello.c '#include "../../core/kernel.h"' \
  "user/programs/hello.c includes core/kernel.h: user may include only core/abi.h"

[ "$failures" -eq 0 ] || { echo "$failures case(s) failed"; exit 1; }
echo "layers: the rule holds, and each of 5 forbidden includes was caught"
