# parts.cmake - the parts of Cumulonimbus a build may leave out, each with
# an option (default ON):
#   NIMBUS_BUILD_VIZ    the SDL2 visualizer (nimbus viz, nimbus run --viz)
#   NIMBUS_BUILD_X86    the bootable x86 image and its QEMU launcher (nimbus boot)
#   NIMBUS_BUILD_TESTS  the tests (Criterion) and the benchmarks
# The simulator, the other nimbus commands and the RV32IM user programs
# (clang and lld) are always built. A part that is left out pulls in none
# of its dependencies, and the nimbus commands that need it say so when
# run (cli/absent/).

option(NIMBUS_BUILD_VIZ "Build the SDL2 visualizer (nimbus viz, nimbus run --viz)" ON)
option(NIMBUS_BUILD_X86 "Build the bootable x86 image and the QEMU launcher (nimbus boot)" ON)
option(NIMBUS_BUILD_TESTS "Build the tests (Criterion) and the benchmarks" ON)

# Stop configuring because a dependency of the part that `option` switches
# is missing: `need` says what the part needs, `packages` the Debian
# packages that provide it.
function(nimbus_part_missing option need packages)
  message(FATAL_ERROR "${need}: apt-get install ${packages}, "
                      "or configure with -D${option}=OFF to leave that part out")
endfunction()
