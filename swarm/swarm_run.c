/* swarm_run.c - see swarm_run.h. */
#define _POSIX_C_SOURCE 200809L
#include "swarm_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/run_check.h"
#include "hal-sim/scenario.h"
#include "host/files.h"
#include "sweep/sweep_run.h"

/* The scenario with the faults in `keep`, as text (free it). */
static char *scenario_text(const struct swarm_base *b, const struct swarm_schedule *faults, uint32_t keep)
{
    cJSON *root = cJSON_Duplicate(b->root, true);
    swarm_faults_apply(faults, keep, root);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

int swarm_run_write(const struct swarm_base *b, const struct swarm_schedule *faults, uint32_t keep,
                    const char *dir, char *err, size_t err_bytes)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/scenario.json", dir);
    char *text = scenario_text(b, faults, keep);
    int rc = files_make_dirs(dir) < 0 || files_write_text(path, text) < 0 ? -1 : 0;
    if (rc < 0)
        snprintf(err, err_bytes, "%s: %s", path, strerror(errno));
    free(text);
    return rc;
}

pid_t swarm_run_start(const struct swarm_base *b, uint64_t seed, const struct swarm_schedule *faults,
                      uint32_t keep, const char *dir, char *err, size_t err_bytes)
{
    if (swarm_run_write(b, faults, keep, dir, err, err_bytes) < 0)
        return -1;
    char *text = scenario_text(b, faults, keep), path[4200];
    snprintf(path, sizeof path, "%s/scenario.json", dir);
    struct scenario scn;
    char why[SCN_ERROR_BYTES];
    int rc = scenario_parse(text, strlen(text), path, &scn, why, sizeof why);
    free(text);
    if (rc < 0) {
        snprintf(err, err_bytes, "%s", why); /* the faults made it invalid: a swarm bug */
        return -1;
    }
    pid_t pid = sweep_run_start(&scn, seed, dir, b->interrupt);
    if (pid < 0)
        snprintf(err, err_bytes, "cannot start a run: %s", strerror(errno));
    scenario_free(&scn);
    return pid;
}

/* "all_exited" from the trace's end line, which the checker does not keep. */
static void read_end(const char *trace, char *end, size_t bytes)
{
    snprintf(end, bytes, "no end");
    FILE *f = fopen(trace, "r");
    if (f == NULL)
        return;
    char line[4096], last[4096] = "";
    while (fgets(line, sizeof line, f) != NULL)
        memcpy(last, line, sizeof last);
    fclose(f);
    const char *r = strstr(last, "\"ev\":\"end\",\"reason\":\"");
    if (r != NULL)
        snprintf(end, bytes, "%.*s", (int)strcspn(r + 21, "\""), r + 21);
}

void swarm_run_check(const char *dir, struct swarm_outcome *out)
{
    char trace[4200], report[4200];
    snprintf(trace, sizeof trace, "%s/trace.jsonl", dir);
    snprintf(report, sizeof report, "%s/check.txt", dir);
    memset(out, 0, sizeof *out);
    FILE *in = fopen(trace, "r"), *rep = fopen(report, "w");
    if (in != NULL && rep != NULL) {
        struct run_check_result r;
        out->ran = run_check_trace(in, trace, rep, &r) == 0;
        out->violations = r.violations;
    }
    if (in != NULL)
        fclose(in);
    if (rep != NULL)
        fclose(rep);
    read_end(trace, out->end, sizeof out->end);
}
