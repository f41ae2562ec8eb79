# toolchain.cmake - how RV32IM user programs are compiled and linked:
# clang and ld.lld (found here, or given as NIMBUS_CLANG and NIMBUS_LD_LLD),
# the flags, and the runtime's sources. Included by user/CMakeLists.txt
# and by projects that build programs outside the tree (tests/outside),
# so both build programs the one way the kernel runs them.
#
# Sets NIMBUS_USER_TARGET_FLAGS, NIMBUS_USER_CFLAGS, NIMBUS_USER_LDFLAGS
# and NIMBUS_USER_RUNTIME_SOURCES (paths relative to user/). Probes the
# compiler in ${CMAKE_CURRENT_BINARY_DIR}.

get_filename_component(NIMBUS_USER_DIR ${CMAKE_CURRENT_LIST_DIR} ABSOLUTE)
get_filename_component(NIMBUS_ROOT_DIR ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)

find_program(NIMBUS_CLANG NAMES clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14
             DOC "clang used to build the RV32IM user programs")
find_program(NIMBUS_LD_LLD NAMES ld.lld ld.lld-19 ld.lld-18 ld.lld-17 ld.lld-16 ld.lld-15 ld.lld-14
             DOC "ld.lld used to link the RV32IM user programs")
if(NOT NIMBUS_CLANG)
  message(FATAL_ERROR "clang not found: the user programs are RV32IM code built with clang "
                      "(install clang, or set NIMBUS_CLANG to its path)")
endif()
if(NOT NIMBUS_LD_LLD)
  message(FATAL_ERROR "ld.lld not found: the user programs are linked with LLVM's lld "
                      "(install lld, or set NIMBUS_LD_LLD to its path)")
endif()

set(NIMBUS_USER_TARGET_FLAGS --target=riscv32-unknown-elf -march=rv32im -mabi=ilp32)
# No gp relaxation or small data (crt0 sets no gp), no unwind tables, one
# section per function so the link drops what a program does not use.
set(NIMBUS_USER_CFLAGS
  ${NIMBUS_USER_TARGET_FLAGS} -std=c11 -O2
  -ffreestanding -nostdlib -nostdlibinc -fno-builtin -fno-pic -fno-stack-protector -fno-common
  -mno-relax -msmall-data-limit=0
  -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-addrsig
  -ffunction-sections -fdata-sections
  -Wall -Wextra -Werror
  -I${NIMBUS_ROOT_DIR}/core -I${NIMBUS_USER_DIR}/lib)
# max-page-size=16: segments start on page addresses (link.ld) but sit
# packed in the file, which keeps every program image small.
set(NIMBUS_USER_LDFLAGS
  ${NIMBUS_USER_TARGET_FLAGS} -nostdlib -static
  -fuse-ld=lld --ld-path=${NIMBUS_LD_LLD} -T ${NIMBUS_USER_DIR}/link.ld
  -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,max-page-size=16)

# The runtime every program links (crt0 first; link.ld puts _start at
# ABI_USER_BASE in any case).
set(NIMBUS_USER_RUNTIME_SOURCES
  lib/crt0.S lib/sys.c lib/sys_stock.c lib/file.c lib/proc.c lib/printf.c lib/string.c lib/pid.c lib/arith.c)

# Fail now, with a clear message, if this clang cannot target RISC-V.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/probe.c "int nimbus_probe;\n")
execute_process(
  COMMAND ${NIMBUS_CLANG} ${NIMBUS_USER_TARGET_FLAGS} -ffreestanding -c ${CMAKE_CURRENT_BINARY_DIR}/probe.c
          -o ${CMAKE_CURRENT_BINARY_DIR}/probe.o
  RESULT_VARIABLE probe_result ERROR_VARIABLE probe_error)
if(NOT probe_result EQUAL 0)
  message(FATAL_ERROR "${NIMBUS_CLANG} cannot compile for riscv32-unknown-elf (rv32im):\n${probe_error}")
endif()
