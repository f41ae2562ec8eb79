/*
 * build_info.h - what built this nimbus: its version, the git commit of
 * the source tree, and the build type. The commit is read at every build
 * (host/build_info.cmake), so it is never stale; outside a git checkout
 * it is "unknown".
 *
 * Version and commit go into every run's metrics.json; the build type
 * does not (the same run from an -O2 and an -O0 sanitizer build must
 * write identical files, .ci/test checks it): only sweep.csv and the
 * sweep summary, which describe how figures were produced, carry it.
 */
#ifndef HOST_BUILD_INFO_H
#define HOST_BUILD_INFO_H

/* "0.1": the project's version (CMakeLists.txt). */
const char *build_info_version(void);
/* The commit's hash, 12 hex digits, with "-dirty" when the tree had
 * uncommitted changes to tracked files; "unknown" outside git. */
const char *build_info_commit(void);
/* "RelWithDebInfo", "Debug+sanitize", ...: CMAKE_BUILD_TYPE and the
 * instrumentation options that change the code. */
const char *build_info_type(void);

#endif
