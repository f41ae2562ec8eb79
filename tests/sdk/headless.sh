#!/usr/bin/env bash
# A fully headless build: configured in a directory of its own with the
# visualizer, the x86 image and the tests left out (cmake/parts.cmake). It
# looks for none of their dependencies, builds, runs a scenario, and the
# commands that need a missing part say so in one line and exit 1.
# Usage: headless.sh SOURCE_DIR OUT_DIR [COMPILER_LAUNCHER]
set -euo pipefail
src="$1"; out="$2"; launcher="${3:-}"
build="$out/build"
rm -rf "$out"; mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }

# The README's command, as written, with the source tree for "." (run
# from $out, its "build" is $build).
command=$(awk '/<!-- headless-build -->/ {armed = 1; next}
               armed && /^```/ { if (inside) exit; inside = 1; next }
               inside { print }' "$src/README.md")
[ "${command:0:9}" = "cmake -S " ] || fail "README.md has no headless-build command"
[ -z "$launcher" ] || export CMAKE_C_COMPILER_LAUNCHER="$launcher"
(cd "$out" && export CMAKE_BUILD_PARALLEL_LEVEL=2 && eval "${command/-S ./-S \"\$src\"}") > "$out/build.out" \
  || fail "the README's headless build failed: $command"
for dependency in SDL2_DIR SDL2TTF_FOUND CRITERION_FOUND NIMBUS_FONT_PSF NIMBUS_OBJCOPY NIMBUS_GRUB_MKRESCUE; do
  if grep -q "^$dependency[:=]" "$build/CMakeCache.txt"; then fail "the headless build looked for $dependency"; fi
done
[ ! -e "$build/cumulonimbus.elf" ] || fail "the headless build made the x86 kernel"
[ ! -d "$build/tests" ] || fail "the headless build has tests/"
nimbus="$build/nimbus"

"$nimbus" run "$src/scenarios/hello.json" --out "$out/hello" --quiet > "$out/run.out" \
  || fail "nimbus run hello.json failed"
grep -q "hello from n1.1" "$out/hello/console.log" || fail "the run's console.log has no greeting"

expect_absent() { # message, nimbus arguments...
  local want="$1"; shift
  local status=0
  "$nimbus" "$@" > "$out/absent.out" 2> "$out/absent.err" || status=$?
  [ "$status" -eq 1 ] || fail "nimbus $*: exit status $status, not 1"
  [ ! -s "$out/absent.out" ] || fail "nimbus $*: printed to stdout"
  [ "$(cat "$out/absent.err")" = "$want" ] || fail "nimbus $*: said '$(cat "$out/absent.err")', not '$want'"
}
expect_absent "nimbus viz: this nimbus was built without the visualizer (configure with -DNIMBUS_BUILD_VIZ=ON)" \
  viz "$out/hello"
expect_absent \
  "nimbus run --viz: this nimbus was built without the visualizer (configure with -DNIMBUS_BUILD_VIZ=ON)" \
  run "$src/scenarios/hello.json" --viz --out "$out/live"
[ ! -e "$out/live" ] || fail "nimbus run --viz made its output directory before refusing"
expect_absent "nimbus boot: this nimbus was built without the x86 image (configure with -DNIMBUS_BUILD_X86=ON)" \
  boot --nodes 2

"$nimbus" --help > "$out/help.out"
grep -q "^  viz " "$out/help.out" || fail "nimbus --help does not list viz"
grep -q "^  boot " "$out/help.out" || fail "nimbus --help does not list boot"
"$nimbus" help boot | grep -q "Not in this nimbus: it was built without the x86 image" \
  || fail "nimbus help boot does not say the command is missing"

cmake --install "$build" --prefix "$out/prefix" > "$out/install.out"
[ -x "$out/prefix/bin/nimbus" ] || fail "the headless install has no bin/nimbus"
[ ! -e "$out/prefix/share/cumulonimbus/cumulonimbus.elf" ] || fail "the headless install has a kernel image"
echo "headless: built without viz, x86 and tests; ran hello.json; viz, run --viz and boot refused as documented"
