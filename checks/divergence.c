/* divergence.c - see divergence.h. */
#define _POSIX_C_SOURCE 200809L
#include "divergence.h"

#include <dirent.h>
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

/* The first byte where two files differ (or where the shorter ends): 1
 * and *offset, 0 when they are the same, -1 when one cannot be read. */
static int first_different_byte(const char *a, const char *b, uint64_t *offset)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int rc = fa != NULL && fb != NULL ? 0 : -1;
    for (*offset = 0; rc == 0; ++*offset) {
        int ca = getc(fa), cb = getc(fb);
        if (ca != cb) {
            rc = 1;
            break;
        }
        if (ca == EOF)
            break;
    }
    if (fa != NULL)
        fclose(fa);
    if (fb != NULL)
        fclose(fb);
    return rc;
}

/* A run's pcap files: net.pcap, or with a rack topology net-rack<R>.pcap
 * (and net-uplink<R>.pcap). */
static int is_pcap_name(const struct dirent *e)
{
    size_t len = strlen(e->d_name);
    return strncmp(e->d_name, "net", 3) == 0 && len >= 8 && strcmp(e->d_name + len - 5, ".pcap") == 0;
}

/* Compare a file of both runs, reporting where they part: 1 if they do,
 * 0 if not, -1 (reported) when one cannot be read. */
static int compare_file(const char *a, const char *b, const char *name, FILE *report)
{
    char pa[4200], pb[4200];
    uint64_t at;
    snprintf(pa, sizeof pa, "%s/%s", a, name);
    snprintf(pb, sizeof pb, "%s/%s", b, name);
    int rc = first_different_byte(pa, pb, &at);
    if (rc < 0)
        fprintf(report, "cannot read %s or %s\n", pa, pb);
    if (rc > 0)
        fprintf(report, "%s: the runs part at byte %llu\n", name, (unsigned long long)at);
    return rc;
}

/* Every pcap file of run a against b's: 1 if any differs (the pcaps count
 * as one output), 0, or -1. */
static int compare_pcaps(const char *a, const char *b, FILE *report)
{
    struct dirent **names = NULL;
    int count = scandir(a, &names, is_pcap_name, alphasort);
    int rc = count > 0 ? 0 : compare_file(a, b, "net.pcap", report);
    for (int i = 0; i < count; i++) {
        int one = rc < 0 ? -1 : compare_file(a, b, names[i]->d_name, report);
        rc = one < 0 ? -1 : (rc | one);
        free(names[i]);
    }
    free(names);
    return rc;
}

int divergence_compare_runs(const char *a, const char *b, FILE *report, struct divergence *out)
{
    char pa[4200], pb[4200];
    snprintf(pa, sizeof pa, "%s/trace.jsonl", a);
    snprintf(pb, sizeof pb, "%s/trace.jsonl", b);
    if (divergence_find(pa, pb, out) < 0) {
        fprintf(report, "cannot read %s or %s\n", pa, pb);
        return -1;
    }
    int differ = 0;
    if (out->line != 0) {
        differ++;
        fprintf(report, "trace.jsonl: the runs part at line %llu\n  last shared: %s\n  first run:   %s\n"
                        "  second run:  %s\n",
                (unsigned long long)out->line, out->line > 1 ? out->common : "(none: the first line)",
                out->first, out->second);
    }
    int pcaps = compare_pcaps(a, b, report);
    int metrics = pcaps < 0 ? -1 : compare_file(a, b, "metrics.json", report);
    return metrics < 0 ? -1 : differ + pcaps + metrics;
}
