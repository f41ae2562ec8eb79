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

/* Write DIR/scenario.json with the faults in `keep`; its text (free it),
 * or NULL with the message in err. */
static char *write_scenario(const struct swarm_base *b, const struct swarm_schedule *faults, uint32_t keep,
                            const char *dir, char *err, size_t err_bytes)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/scenario.json", dir);
    cJSON *root = cJSON_Duplicate(b->root, true);
    swarm_faults_apply(faults, keep, root);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (files_make_dirs(dir) < 0 || files_write_text(path, text) < 0) {
        snprintf(err, err_bytes, "%s: %s", path, strerror(errno));
        free(text);
        return NULL;
    }
    return text;
}

int swarm_run_write(const struct swarm_base *b, const struct swarm_schedule *faults, uint32_t keep,
                    const char *dir, char *err, size_t err_bytes)
{
    char *text = write_scenario(b, faults, keep, dir, err, err_bytes);
    free(text);
    return text != NULL ? 0 : -1;
}

pid_t swarm_run_start(const struct swarm_base *b, uint64_t seed, const struct swarm_schedule *faults,
                      uint32_t keep, const char *dir, char *err, size_t err_bytes)
{
    char *text = write_scenario(b, faults, keep, dir, err, err_bytes), path[4200];
    if (text == NULL)
        return -1;
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

void swarm_run_check(const char *dir, struct swarm_outcome *out)
{
    char trace[4200], report[4200];
    snprintf(trace, sizeof trace, "%s/trace.jsonl", dir);
    snprintf(report, sizeof report, "%s/check.txt", dir);
    memset(out, 0, sizeof *out);
    FILE *in = fopen(trace, "r"), *rep = fopen(report, "w");
    snprintf(out->end, sizeof out->end, "no end");
    if (in != NULL && rep != NULL) {
        struct run_check_result r;
        out->ran = run_check_trace(in, trace, rep, &r) == 0;
        out->violations = r.violations;
        if (r.end[0] != '\0')
            snprintf(out->end, sizeof out->end, "%s", r.end);
    }
    if (in != NULL)
        fclose(in);
    if (rep != NULL)
        fclose(rep);
}
