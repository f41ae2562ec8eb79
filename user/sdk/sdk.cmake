# sdk.cmake (included by user/CMakeLists.txt) - what `cmake --install`
# puts in a prefix so that a program built outside this tree runs as a
# Cumulonimbus process (docs/programs.md, "Your own program: the SDK"):
#   include/cumulonimbus/    abi.h, nimbus.h, sys.h
#   lib/cumulonimbus/        nimbus_runtime.o, link.ld
#   lib/cmake/cumulonimbus/  rv32-toolchain.cmake
#   share/cumulonimbus/example/  a program to start from (example/)
#
# The runtime is one relocatable object made by `ld.lld -r` from the
# runtime's objects, not an archive: a program's link (--gc-sections)
# drops what it does not use either way, one object keeps crt0's _start in
# every link without naming it, and it needs no llvm-ar.

set(runtime_object ${USER_BIN}/nimbus_runtime.o)
add_custom_command(
  OUTPUT ${runtime_object}
  COMMAND ${NIMBUS_LD_LLD} -r ${NIMBUS_USER_RUNTIME_OBJECTS} -o ${runtime_object}
  DEPENDS ${NIMBUS_USER_RUNTIME_OBJECTS}
  COMMENT "Combining the RV32IM runtime into nimbus_runtime.o"
  VERBATIM)
add_custom_target(nimbus_user_runtime ALL DEPENDS ${runtime_object})

# The toolchain file finds the SDK relative to itself, so the prefix can
# move; it names this build's clang and ld.lld.
file(RELATIVE_PATH SDK_PREFIX_FROM_CMAKE_DIR /prefix/${NIMBUS_INSTALL_CMAKE_DIR} /prefix)
# The tree's own flags (user/CMakeLists.txt), less what points into the
# tree (-I, -T link.ld: the toolchain file adds the installed ones) and
# -Werror, which is the tree's policy, not a user's.
set(sdk_c_flags ${NIMBUS_USER_CFLAGS})
list(FILTER sdk_c_flags EXCLUDE REGEX "^-I|^-Werror$")
set(sdk_link_flags ${NIMBUS_USER_LDFLAGS})
list(FIND sdk_link_flags -T script_at)
math(EXPR script_path_at "${script_at} + 1")
list(REMOVE_AT sdk_link_flags ${script_at} ${script_path_at})
string(REPLACE ";" " " SDK_C_FLAGS "${sdk_c_flags}")
string(REPLACE ";" " " SDK_LINK_FLAGS "${sdk_link_flags}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/rv32-toolchain.cmake.in ${USER_BIN}/rv32-toolchain.cmake @ONLY)

install(FILES ${CMAKE_SOURCE_DIR}/core/abi.h ${USER_DIR}/lib/nimbus.h ${USER_DIR}/lib/sys.h
        DESTINATION ${NIMBUS_INSTALL_INCLUDE_DIR})
install(FILES ${runtime_object} ${USER_DIR}/link.ld DESTINATION ${NIMBUS_INSTALL_LIB_DIR})
install(FILES ${USER_BIN}/rv32-toolchain.cmake DESTINATION ${NIMBUS_INSTALL_CMAKE_DIR})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/example/CMakeLists.txt ${CMAKE_CURRENT_LIST_DIR}/example/greet.c
        DESTINATION ${NIMBUS_INSTALL_DATA_DIR}/example)
