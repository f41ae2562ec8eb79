# xlat.cmake - included by user/CMakeLists.txt: translate every built-in
# program ahead of time into C with tools/xlat's rvxlat (one source per
# program, so they compile in parallel) plus the table
# user_program_xlat_find searches (user/programs_xlat.h). The sources are
# compiled freestanding, like the core, so a kernel without libc can link
# them. With NIMBUS_TRANSLATE off the table is empty.
#
# Reads user_programs and user_elfs (parallel lists); sets
# user_xlat_sources.

include(${CMAKE_SOURCE_DIR}/core/sources.cmake) # CORE_FREESTANDING_FLAGS
option(NIMBUS_TRANSLATE "Translate the built-in user programs into host code at build time" ON)

set(user_xlat_sources "")
set(xlat_names "")
if(NIMBUS_TRANSLATE)
  foreach(name elf IN ZIP_LISTS user_programs user_elfs)
    set(src ${USER_BIN}/xlat/${name}.c)
    add_custom_command(
      OUTPUT ${src}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${USER_BIN}/xlat
      COMMAND rvxlat program ${name} ${elf} ${src}
      DEPENDS rvxlat ${elf}
      COMMENT "Translating RV32IM program ${name}.elf into C"
      VERBATIM)
    list(APPEND user_xlat_sources ${src})
    list(APPEND xlat_names ${name})
  endforeach()
endif()
set(xlat_table ${USER_BIN}/xlat/table.c)
add_custom_command(
  OUTPUT ${xlat_table}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${USER_BIN}/xlat
  COMMAND rvxlat table ${xlat_table} ${xlat_names}
  DEPENDS rvxlat
  COMMENT "Writing the table of translated programs"
  VERBATIM)
list(APPEND user_xlat_sources ${xlat_table})
# No debug information: it slows the compiling of the large generated
# functions and describes nothing a debugger could use (no source lines).
set_source_files_properties(${user_xlat_sources} PROPERTIES COMPILE_OPTIONS "${CORE_FREESTANDING_FLAGS};-g0")
