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
string(REPLACE ";" " " SDK_C_FLAGS "${NIMBUS_USER_CODEGEN_FLAGS}")
string(REPLACE ";" " " SDK_LINK_FLAGS "${NIMBUS_USER_TARGET_FLAGS};${NIMBUS_USER_LINK_OPTIONS}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/rv32-toolchain.cmake.in ${USER_BIN}/rv32-toolchain.cmake @ONLY)

install(FILES ${CMAKE_SOURCE_DIR}/core/abi.h ${USER_DIR}/lib/nimbus.h ${USER_DIR}/lib/sys.h
        DESTINATION ${NIMBUS_INSTALL_INCLUDE_DIR})
install(FILES ${runtime_object} ${USER_DIR}/link.ld DESTINATION ${NIMBUS_INSTALL_LIB_DIR})
install(FILES ${USER_BIN}/rv32-toolchain.cmake DESTINATION ${NIMBUS_INSTALL_CMAKE_DIR})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/example/CMakeLists.txt ${CMAKE_CURRENT_LIST_DIR}/example/greet.c
        DESTINATION ${NIMBUS_INSTALL_DATA_DIR}/example)
