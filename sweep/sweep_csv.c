/* sweep_csv.c - see sweep_csv.h. */
#include "sweep_csv.h"

#include <stdbool.h>
#include <string.h>

void csv_put(FILE *f, const char *text)
{
    if (strpbrk(text, ",\"\r\n") == NULL) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

/* One quoted field starting after its opening quote at *p: unquoted in
 * place; *p moved past the closing quote. false when it is not closed. */
static bool unquote(char **p)
{
    char *in = *p, *out = *p;
    for (;;) {
        if (*in == '\0')
            return false;
        if (*in == '"' && in[1] != '"')
            break;
        in += *in == '"' ? 1 : 0; /* a doubled quote is one */
        *out++ = *in++;
    }
    *out = '\0';
    *p = in + 1;
    return true;
}

int csv_split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    for (char *p = line;;) {
        if (n == max)
            return -1;
        if (*p == '"') {
            p++;
            fields[n++] = p;
            if (!unquote(&p) || (*p != ',' && *p != '\0'))
                return -1;
        } else {
            fields[n++] = p;
            p += strcspn(p, ",");
        }
        if (*p == '\0')
            return (int)n;
        *p++ = '\0';
    }
}
