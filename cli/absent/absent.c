/* absent.c - see absent.h. */
#include "absent.h"

#include <stdio.h>

#include "cli/cli.h"

int absent_part(const char *command, const char *part, const char *option)
{
    fprintf(stderr, "nimbus %s: this nimbus was built without %s (configure with -D%s=ON)\n", command, part,
            option);
    return CLI_EXIT_USAGE;
}
