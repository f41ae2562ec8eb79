#!/usr/bin/env bash
# The installed SDK (user/sdk/sdk.cmake): the commands docs/programs.md
# shows under <!-- sdk-commands --> install this build into a fresh
# prefix and build the example program outside the tree with the
# installed toolchain file only. Then: the prefix holds what the page
# lists, the ELF is RV32 with its entry at ABI_USER_BASE, nothing built
# names the source tree, the installed nimbus runs an installed scenario
# and its `nimbus boot` takes the kernel from share/cumulonimbus (the
# build tree's, from next to itself), and the program runs in the page's
# scenario (<!-- sdk-scenario -->, <!-- sdk-run -->).
# Usage: sdk.sh SOURCE_DIR BINARY_DIR IMAGES_BUILT(ON|OFF)
set -euo pipefail
src="$1"; bin="$2"; images="$3"
fail() { echo "FAIL: $*"; exit 1; }
# Outside both trees, so that a path into them cannot hide among its own.
work=$(mktemp -d "${TMPDIR:-/tmp}/nimbus-sdk-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
ln -s "$bin" build # the page's commands name the build directory "build"
export PREFIX="$work/prefix"

# The lines of the page's fenced block after <!-- NAME -->.
block() {
  awk -v marker="<!-- $1 -->" '$0 == marker {armed = 1; next}
       armed && /^```/ { if (inside) exit; inside = 1; next }
       inside { print }' "$src/docs/programs.md"
}
run_lines() { # file: each line as a command, in this shell
  [ -s "$1" ] || fail "docs/programs.md has no $1 block"
  while IFS= read -r line; do
    eval "$line" >> commands.log 2>&1 || { tail -n 30 commands.log; fail "'$line' failed"; }
  done < "$1"
}

# ---- the page's commands, as written
block sdk-commands > commands.sh
run_lines commands.sh

# ---- the prefix
for file in bin/nimbus include/cumulonimbus/abi.h include/cumulonimbus/nimbus.h include/cumulonimbus/sys.h \
            lib/cumulonimbus/nimbus_runtime.o lib/cumulonimbus/link.ld \
            lib/cmake/cumulonimbus/rv32-toolchain.cmake share/cumulonimbus/example/greet.c \
            share/cumulonimbus/scenarios/hello.json share/cumulonimbus/wireshark/cumulonimbus.lua; do
  [ -f "$PREFIX/$file" ] || fail "the prefix has no $file"
done
if [ "$images" = ON ]; then
  for file in share/cumulonimbus/cumulonimbus.elf share/cumulonimbus/cumulonimbus.iso; do
    [ -f "$PREFIX/$file" ] || fail "the prefix has no $file"
  done
fi
[ "$(ls "$PREFIX/share/cumulonimbus/scenarios")" = "$(cd "$src/scenarios" && ls ./*.json | sed 's|^\./||')" ] \
  || fail "the installed scenarios are not the shipped ones"

# ---- the program
elf=greet/build/greet.elf
readelf -h "$elf" > elf.txt || fail "$elf is not an ELF file"
user_base=$(sed -n 's/^#define ABI_USER_BASE 0x0*\([0-9a-fA-F]*\)u$/\1/p' "$PREFIX/include/cumulonimbus/abi.h")
[ -n "$user_base" ] || fail "no ABI_USER_BASE in the installed abi.h"
grep -Eq "Class: +ELF32$" elf.txt || fail "$elf is not ELF32"
grep -Eq "Machine: +RISC-V$" elf.txt || fail "$elf is not RISC-V"
grep -Eq "Entry point address: +0x$user_base$" elf.txt || fail "$elf's entry is not ABI_USER_BASE 0x$user_base"
if grep -rIlF "$src" greet "$PREFIX"; then fail "the files above name the source tree $src"; fi

# ---- the installed nimbus
"$PREFIX/bin/nimbus" run "$PREFIX/share/cumulonimbus/scenarios/hello.json" --out hello --quiet > hello.out \
  || fail "the installed nimbus could not run hello.json"
grep -q "hello from n0.1" hello/console.log || fail "hello.json printed no greeting"
if [ "$images" = ON ]; then
  # A stand-in QEMU that exits at once: the kernel nimbus hands it is all that matters.
  printf '#!/bin/sh\nexit 1\n' > qemu; chmod +x qemu
  "$PREFIX/bin/nimbus" boot --qemu "$work/qemu" --out boot > boot.out 2> boot.err || true
  grep -qF -- "-kernel $PREFIX/share/cumulonimbus/cumulonimbus.elf" boot/qemu-commands.txt \
    || fail "the installed nimbus boot did not take share/cumulonimbus/cumulonimbus.elf"
  "$bin/nimbus" boot --qemu "$work/qemu" --out boot-tree > boot.out 2> boot.err || true
  grep -qF -- "-kernel $bin/cumulonimbus.elf" boot-tree/qemu-commands.txt \
    || fail "the build tree's nimbus boot did not take the kernel next to it"
  rm "$PREFIX/share/cumulonimbus/cumulonimbus.elf"
  status=0; "$PREFIX/bin/nimbus" boot --qemu "$work/qemu" --out boot > boot.out 2> boot.err || status=$?
  [ "$status" -eq 2 ] || fail "nimbus boot without its kernel: status $status, not 2"
  grep -qF "nimbus boot: no kernel image at $PREFIX/bin/cumulonimbus.elf (a build tree) nor at\
 $PREFIX/share/cumulonimbus/cumulonimbus.elf (an installed nimbus)" boot.err \
    || { cat boot.err; fail "nimbus boot without its kernel does not name both places"; }
fi

# ---- the program in a scenario: the page's scenario and command
block sdk-scenario > greet.json
[ -s greet.json ] || fail "docs/programs.md has no sdk-scenario block"
block sdk-run > run.sh
"$PREFIX/bin/nimbus" check greet.json > check.out 2>&1 || { cat check.out; fail "nimbus check refused greet.json"; }
run_lines run.sh
grep -qF "n1.1: hello sdk from n1.1, sum 500500" greet-run/console.log || fail "greet.elf did not greet"
echo "sdk: installed, built greet.elf out of tree and ran it in a scenario"
