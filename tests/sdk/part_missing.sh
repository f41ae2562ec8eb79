#!/usr/bin/env bash
# A part switched on whose dependency is missing stops the configuration
# with one message naming the Debian packages and the option that leaves
# the part out (cmake/parts.cmake): SDL2 hidden from find_package for the
# visualizer, a missing screen font for the x86 image.
# Usage: part_missing.sh SOURCE_DIR OUT_DIR
set -euo pipefail
src="$1"; out="$2"
rm -rf "$out"; mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }

expect_refusal() { # name, message, cmake options...
  local name="$1" want="$2"; shift 2
  if cmake -S "$src" -B "$out/$name" "$@" > "$out/$name.out" 2> "$out/$name.err"; then
    fail "$name: the configuration succeeded"
  fi
  # CMake wraps a message's lines: compare with the spaces made single.
  tr -s ' \n' '  ' < "$out/$name.err" | grep -qF "$want" || { cat "$out/$name.err"; fail "$name: no '$want'"; }
}

expect_refusal viz "the visualizer needs SDL2, SDL2_ttf and SDL2_image: apt-get install libsdl2-dev\
 libsdl2-ttf-dev libsdl2-image-dev, or configure with -DNIMBUS_BUILD_VIZ=OFF to leave that part out" \
  -DCMAKE_DISABLE_FIND_PACKAGE_SDL2=ON -DNIMBUS_BUILD_TESTS=OFF
expect_refusal x86 "the x86 screen's font $out/no-font.psf.gz is missing (or set NIMBUS_FONT_PSF to another 8x16\
 .psf.gz): apt-get install console-setup-linux, or configure with -DNIMBUS_BUILD_X86=OFF to leave that part out" \
  -DNIMBUS_FONT_PSF="$out/no-font.psf.gz" -DNIMBUS_BUILD_TESTS=OFF
echo "part_missing: both refusals name the packages and the option"
