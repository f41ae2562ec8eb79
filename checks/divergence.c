/* divergence.c - see divergence.h. */
#define _POSIX_C_SOURCE 200809L
#include "divergence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* `line` (of `len` bytes, maybe NULL at the end of the file) without its
 * newline, cut to fit. */
static void keep(char *dst, const char *line, ssize_t len)
{
    if (line == NULL || len < 0) {
        snprintf(dst, DIVERGENCE_LINE_BYTES, "(end of file)");
        return;
    }
    size_t n = (size_t)len;
    if (n > 0 && line[n - 1] == '\n')
        n--;
    snprintf(dst, DIVERGENCE_LINE_BYTES, "%.*s", (int)n, line);
}

int divergence_find(const char *a, const char *b, struct divergence *out)
{
    memset(out, 0, sizeof *out);
    FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
    int rc = fa != NULL && fb != NULL ? 0 : -1;
    char *la = NULL, *lb = NULL;
    size_t ca = 0, cb = 0;
    for (uint64_t n = 1; rc == 0; n++) {
        ssize_t na = getline(&la, &ca, fa), nb = getline(&lb, &cb, fb);
        if (na < 0 && nb < 0)
            break;
        if (na == nb && memcmp(la, lb, (size_t)na) == 0) {
            keep(out->common, la, na);
            continue;
        }
        out->line = n;
        keep(out->first, na < 0 ? NULL : la, na);
        keep(out->second, nb < 0 ? NULL : lb, nb);
        break;
    }
    if (out->line == 0)
        out->common[0] = '\0';
    free(la);
    free(lb);
    if (fa != NULL)
        fclose(fa);
    if (fb != NULL)
        fclose(fb);
    return rc;
}
