# Writes build_info_values.h (see build_info.h) at every build: the
# version and build type given by CMake, and the git commit of SOURCE_DIR
# read now. configure_file leaves the header untouched when nothing
# changed, so a build without a new commit recompiles nothing.
# Variables: SOURCE_DIR, OUTPUT, VERSION, BUILD_TYPE.
set(commit "unknown")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE head RESULT_VARIABLE head_rc OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(head_rc EQUAL 0 AND head MATCHES "^[0-9a-f]+$")
    set(commit "${head}")
    # Tracked files whose content changed since that commit (untracked
    # ones, like build directories, do not count; `git diff` compares
    # content where file times alone changed).
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" diff --quiet HEAD --
                    RESULT_VARIABLE dirty_rc OUTPUT_QUIET ERROR_QUIET)
    if(NOT dirty_rc EQUAL 0)
      string(APPEND commit "-dirty")
    endif()
  endif()
endif()
file(CONFIGURE OUTPUT "${OUTPUT}" CONTENT
"/* Written by host/build_info.cmake at build time; do not edit. */
#define NIMBUS_BUILD_VERSION \"${VERSION}\"
#define NIMBUS_BUILD_COMMIT \"${commit}\"
#define NIMBUS_BUILD_TYPE \"${BUILD_TYPE}\"
")
