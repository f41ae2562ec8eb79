/*
 * absent.h - the stand-ins for the parts a build left out
 * (cmake/parts.cmake): cli/CMakeLists.txt compiles absent/viz.c instead
 * of viz.c and run_viz.c when NIMBUS_BUILD_VIZ is OFF, and absent/boot.c
 * instead of boot.c when NIMBUS_BUILD_X86 is OFF. Each command keeps its
 * name, so `nimbus --help` still lists it, and says why it cannot run.
 */
#ifndef CLI_ABSENT_H
#define CLI_ABSENT_H

/* Print "nimbus COMMAND: this nimbus was built without PART (configure
 * with -DOPTION=ON)" and return CLI_EXIT_USAGE. */
int absent_part(const char *command, const char *part, const char *option);

#endif
