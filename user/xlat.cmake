# xlat.cmake - included by user/CMakeLists.txt: translate every built-in
# program ahead of time into C with tools/xlat's rvxlat (one source per
# program, so they compile in parallel) plus the table
# user_program_xlat_find searches (user/programs_xlat.h). With
# NIMBUS_TRANSLATE off the table is empty.
#
# Reads user_programs and user_elfs (parallel lists). The target
# nimbus_user_xlat writes every source; nimbus_add_xlat_library compiles
# them for one platform.

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
add_custom_target(nimbus_user_xlat DEPENDS ${user_xlat_sources})
set_property(GLOBAL PROPERTY NIMBUS_USER_XLAT_SOURCES ${user_xlat_sources})

# nimbus_add_xlat_library(<target> <core library> <compile option>...): the
# translations and their table as a static library built in the calling
# directory with the options given (the platform's freestanding flags), and
# linked with the core whose slow paths the generated code calls.
function(nimbus_add_xlat_library target core)
  get_property(sources GLOBAL PROPERTY NIMBUS_USER_XLAT_SOURCES)
  set_source_files_properties(${sources} PROPERTIES GENERATED TRUE)
  add_library(${target} STATIC ${sources})
  add_dependencies(${target} nimbus_user_xlat)
  # No debug information: it slows the compiling of the large generated
  # functions and describes nothing a debugger could use (no source lines).
  target_compile_options(${target} PRIVATE ${ARGN} -g0)
  target_include_directories(${target} PRIVATE ${CMAKE_SOURCE_DIR})
  target_link_libraries(${target} PRIVATE ${core})
endfunction()
