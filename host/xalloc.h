/*
 * xalloc.h - allocation for host tools that never returns NULL: a host
 * tool cannot go on without memory, so it stops with one line on stderr
 * and exit status 2 (the "run failed" status every nimbus command uses).
 */
#ifndef HOST_XALLOC_H
#define HOST_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t bytes);
void *xcalloc(size_t count, size_t bytes);
void *xrealloc(void *p, size_t bytes);
char *xstrdup(const char *s);

#endif
