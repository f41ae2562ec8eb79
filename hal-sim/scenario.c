/*
 * scenario.c - load a scenario file: read it, parse the JSON, and check
 * the document and its nodes into struct scenario (the network is in
 * scenario_network.c, balancer and migration in scenario_balance.c,
 * events in scenario_events.c). The format is documented in docs/scenarios.md.
 *
 * Everything in the file is checked before the simulator sees it; the
 * first problem ends the load with one line naming the JSON path. On any
 * error the partly filled scenario is freed, so callers free only after
 * success.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, strndup */

#include "scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_priv.h"
#include "host/files.h"
#include "host/json_comments.h"
#include "host/json_text.h"
#include "host/units.h"

#define SCN_DEFAULT_SEED 1u
#define SCN_DEFAULT_MAX_TIME_NS 600000000000ull /* 600s */
#define SCN_DEFAULT_LATENCY_NS 100000u          /* 100us */
#define SCN_DEFAULT_BANDWIDTH_BPS 1000000000u   /* 1Gbps */
#define SCN_DEFAULT_CPU_MIPS 100u
#define SCN_DEFAULT_MEMORY_MIB 64u
#define SCN_MAX_CPU_MIPS 1000000u
#define SCN_MAX_MEMORY_MIB 65536u
#define SCN_MAX_NAME_BYTES 64u

static const char *const scn_root_keys[] = {
    "name", "description", "seed", "duration", "max_time", "nodes", "network", "balancer", "migration",
    "events", "kv", "programs", "topology", NULL,
};
static const char *const scn_group_keys[] = {"count", "cpu_mips", "memory_mib", "disk", "clock_drift_ppm", NULL};

/* ---- quantities ---------------------------------------------------------- */

int scn_fail_units(struct scn_parser *p, const struct jpath *at, const cJSON *item, enum units_status st,
                   enum units_kind kind)
{
    char shown[64], why[160];
    jcheck_describe(item, shown, sizeof shown);
    units_explain(kind, cJSON_IsString(item) ? st : UNITS_SYNTAX, cJSON_IsString(item) ? item->valuestring : "",
                  why, sizeof why);
    return jcheck_fail(&p->jc, at, "%s, got %s", why, shown);
}

int scn_parse_duration(struct scn_parser *p, const struct jpath *at, const cJSON *item, uint64_t *ns)
{
    enum units_status st = cJSON_IsString(item) ? units_parse_duration(item->valuestring, ns) : UNITS_SYNTAX;
    return st == UNITS_OK ? 0 : scn_fail_units(p, at, item, st, UNITS_KIND_DURATION);
}

int scn_opt_duration(struct scn_parser *p, const struct jpath *at, const cJSON *object, const char *key,
                     uint64_t *ns)
{
    const cJSON *item = jcheck_member(object, key);
    struct jpath sub = jpath_member(at, key);
    return item == NULL ? 0 : scn_parse_duration(p, &sub, item, ns);
}

/* A duration longer than zero: a run length. */
static int scn_parse_run_length(struct scn_parser *p, const struct jpath *at, const cJSON *item, uint64_t *ns)
{
    if (scn_parse_duration(p, at, item, ns) < 0)
        return -1;
    if (*ns == 0)
        return jcheck_fail(&p->jc, at, "must be longer than 0s");
    return 0;
}

int scn_fail_after_max_time(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                            const char *relation)
{
    char shown[64], limit[32];
    jcheck_describe(item, shown, sizeof shown);
    units_format_duration(p->s->max_time_ns, limit, sizeof limit);
    return jcheck_fail(&p->jc, at, "%s is %s max_time (%s)", shown, relation, limit);
}

char *scn_relative_path(struct scn_parser *p, const struct jpath *at, const char *given)
{
    const char *slash = p->path_given ? strrchr(p->s->path, '/') : NULL;
    size_t dir = given[0] == '/' || slash == NULL ? 0 : (size_t)(slash - p->s->path) + 1;
    char *path = malloc(dir + strlen(given) + 1);
    if (path == NULL) {
        jcheck_fail(&p->jc, at, "out of memory");
        return NULL;
    }
    memcpy(path, p->s->path, dir);
    strcpy(path + dir, given);
    return path;
}

/* ---- nodes --------------------------------------------------------------- */

int scn_parse_node(struct scn_parser *p, const struct jpath *at, const cJSON *item, bool allow_all,
                   uint32_t *node, bool *all)
{
    if (allow_all && cJSON_IsString(item) && strcmp(item->valuestring, "all") == 0) {
        *all = true;
        *node = 0;
        return 0;
    }
    uint64_t n = 0;
    if (!jcheck_is_uint(item, &n))
        return jcheck_fail_type(&p->jc, at, allow_all ? "a node number or \"all\"" : "a node number", item);
    uint32_t count = p->s->node_count;
    if (n >= count)
        return jcheck_fail(&p->jc, at, "node %llu does not exist (the scenario has %u node%s)",
                           (unsigned long long)n, count, count == 1 ? "" : "s");
    *node = (uint32_t)n;
    if (all != NULL)
        *all = false;
    return 0;
}

/* "clock_drift_ppm": a whole number within SCN_MAX_CLOCK_DRIFT_PPM either
 * way; absent keeps *ppm (0). */
static int scn_opt_drift(struct scn_parser *p, const struct jpath *at, const cJSON *group, int32_t *ppm)
{
    const cJSON *item = jcheck_member(group, "clock_drift_ppm");
    if (item == NULL)
        return 0;
    struct jpath sub = jpath_member(at, "clock_drift_ppm");
    double v = cJSON_IsNumber(item) ? item->valuedouble : 0.5;
    /* Range first (NaN fails it), so the cast below is defined. */
    if (!(v >= -(double)SCN_MAX_CLOCK_DRIFT_PPM && v <= (double)SCN_MAX_CLOCK_DRIFT_PPM) ||
        v != (double)(int32_t)v)
        return jcheck_fail_type(&p->jc, &sub, "a whole number of parts per million from -500000 to 500000",
                                item);
    _Static_assert(SCN_MAX_CLOCK_DRIFT_PPM == 500000, "the message above names the limit");
    *ppm = (int32_t)v;
    return 0;
}

/* Append one node group's nodes to s->nodes. */
static int scn_parse_node_group(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    if (jcheck_object(&p->jc, at, item, scn_group_keys) < 0)
        return -1;
    uint64_t count = 1, mips = SCN_DEFAULT_CPU_MIPS, mib = SCN_DEFAULT_MEMORY_MIB;
    const char *what = "a positive integer";
    if (jcheck_opt_uint(&p->jc, at, item, "count", what, 1, SCN_MAX_NODES, &count) < 0 ||
        jcheck_opt_uint(&p->jc, at, item, "cpu_mips", what, 1, SCN_MAX_CPU_MIPS, &mips) < 0 ||
        jcheck_opt_uint(&p->jc, at, item, "memory_mib", what, 1, SCN_MAX_MEMORY_MIB, &mib) < 0)
        return -1;
    const struct scn_disk *disk = NULL;
    const cJSON *v = jcheck_member(item, "disk");
    struct jpath sub = jpath_member(at, "disk");
    if (v != NULL && scn_parse_disk(p, &sub, v, count, &disk) < 0)
        return -1;
    int32_t drift_ppm = 0;
    if (scn_opt_drift(p, at, item, &drift_ppm) < 0)
        return -1;
    struct scenario *s = p->s;
    if (s->node_count + count > SCN_MAX_NODES)
        return jcheck_fail(&p->jc, at, "too many nodes: at most %u in all", SCN_MAX_NODES);
    struct scn_node *grown = realloc(s->nodes, (size_t)(s->node_count + count) * sizeof *grown);
    if (grown == NULL)
        return jcheck_fail(&p->jc, at, "out of memory");
    s->nodes = grown;
    for (uint64_t i = 0; i < count; i++)
        s->nodes[s->node_count++] = (struct scn_node){(uint32_t)mips, (uint32_t)mib, disk, drift_ppm};
    return 0;
}

static int scn_parse_nodes(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    size_t groups = 0;
    if (jcheck_array(&p->jc, at, item, &groups) < 0)
        return -1;
    if (groups == 0)
        return jcheck_fail(&p->jc, at, "expected at least one node group, got []");
    size_t i = 0;
    const cJSON *group;
    cJSON_ArrayForEach(group, item) {
        struct jpath sub = jpath_element(at, i++);
        if (scn_parse_node_group(p, &sub, group) < 0)
            return -1;
    }
    return 0;
}

/* ---- the document -------------------------------------------------------- */

/* The simulator names output directories after the scenario, so a name
 * must be safe as one path component. */
static bool scn_is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

static bool scn_is_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > SCN_MAX_NAME_BYTES || name[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!scn_is_name_char(name[i]))
            return false;
    return true;
}

/* The file name without its directory and ".json", with characters a
 * name may not hold turned into '_'; "scenario" if nothing usable is left. */
static char *scn_default_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base == NULL ? path : base + 1;
    size_t len = strlen(base);
    if (len >= 5 && strcmp(base + len - 5, ".json") == 0)
        len -= 5;
    if (len > SCN_MAX_NAME_BYTES)
        len = SCN_MAX_NAME_BYTES;
    if (len == 0 || base[0] == '.')
        return strdup("scenario");
    char *name = strndup(base, len);
    for (size_t i = 0; name != NULL && i < len; i++)
        if (!scn_is_name_char(name[i]))
            name[i] = '_';
    return name;
}

static int scn_parse_name(struct scn_parser *p, const struct jpath *root, const cJSON *object)
{
    const cJSON *v = jcheck_member(object, "name");
    struct jpath at = jpath_member(root, "name");
    const char *name = NULL;
    if (v != NULL) {
        if (!cJSON_IsString(v) || !scn_is_name(v->valuestring))
            return jcheck_fail_type(&p->jc, &at,
                                    "a name of 1 to 64 letters, digits, '.', '_' or '-', not starting "
                                    "with '.'",
                                    v);
        name = v->valuestring;
    }
    p->s->name = name != NULL ? strdup(name) : scn_default_name(p->path_given ? p->s->path : "");
    if (p->s->name == NULL)
        return jcheck_fail(&p->jc, &at, "out of memory");
    return 0;
}

/* seed, description, max_time and duration: the scalars at the root. */
static int scn_parse_scalars(struct scn_parser *p, const struct jpath *root, const cJSON *object)
{
    struct scenario *s = p->s;
    const cJSON *v;
    const char *text;
    struct jpath at = jpath_member(root, "description");
    if ((v = jcheck_member(object, "description")) != NULL && jcheck_string(&p->jc, &at, v, &text) < 0)
        return -1;
    if (jcheck_opt_uint(&p->jc, root, object, "seed", "an integer from 0 to 2^64-1", 0, UINT64_MAX,
                        &s->seed) < 0)
        return -1;
    at = jpath_member(root, "max_time");
    if ((v = jcheck_member(object, "max_time")) != NULL &&
        scn_parse_run_length(p, &at, v, &s->max_time_ns) < 0)
        return -1;
    if ((v = jcheck_member(object, "duration")) == NULL)
        return 0;
    at = jpath_member(root, "duration");
    if (scn_parse_run_length(p, &at, v, &s->duration_ns) < 0)
        return -1;
    if (s->duration_ns > s->max_time_ns)
        return scn_fail_after_max_time(p, &at, v, "longer than");
    return 0;
}

static int scn_parse_root(struct scn_parser *p, const cJSON *root)
{
    const struct jpath at = {NULL, NULL, 0};
    if (jcheck_object(&p->jc, &at, root, scn_root_keys) < 0)
        return -1;
    if (scn_parse_name(p, &at, root) < 0 || scn_parse_scalars(p, &at, root) < 0)
        return -1;
    const cJSON *v;
    if (jcheck_required(&p->jc, &at, root, "nodes", &v) < 0)
        return -1;
    struct jpath sub = jpath_member(&at, "nodes");
    if (scn_parse_nodes(p, &sub, v) < 0)
        return -1;
    sub = jpath_member(&at, "network");
    if ((v = jcheck_member(root, "network")) != NULL && scn_parse_network(p, &sub, v) < 0)
        return -1;
    sub = jpath_member(&at, "topology");
    if ((v = jcheck_member(root, "topology")) != NULL && scn_parse_topology(p, &sub, v) < 0)
        return -1;
    sub = jpath_member(&at, "balancer");
    if ((v = jcheck_member(root, "balancer")) != NULL && scn_parse_balancer(p, &sub, v) < 0)
        return -1;
    sub = jpath_member(&at, "migration");
    if ((v = jcheck_member(root, "migration")) != NULL && scn_parse_migration(p, &sub, v) < 0)
        return -1;
    sub = jpath_member(&at, "programs");
    if ((v = jcheck_member(root, "programs")) != NULL && scn_parse_programs(p, &sub, v) < 0)
        return -1;
    sub = jpath_member(&at, "events");
    if ((v = jcheck_member(root, "events")) != NULL && scn_parse_events(p, &sub, v) < 0)
        return -1;
    sub = jpath_member(&at, "kv");
    if ((v = jcheck_member(root, "kv")) != NULL && scn_parse_kv(p, &sub, v) < 0)
        return -1;
    return 0;
}

/* ---- JSON text ----------------------------------------------------------- */

/* Parse exactly one JSON value, comments allowed (host/json_comments.h)
 * and otherwise strictly (host/json_text.h). */
static int scn_parse_json(const struct jcheck *jc, const char *text, size_t len, cJSON **out)
{
    const struct jpath root = {NULL, NULL, 0};
    char *plain = NULL;
    if (jtext_blank_comments(jc, text, len, &plain) < 0)
        return -1;
    int rc = jtext_is_blank(plain, len) ? jcheck_fail(jc, &root, "expected an object, got an empty file")
                                        : jtext_parse(jc, plain, len, out);
    free(plain);
    return rc;
}

/* ---- entry points -------------------------------------------------------- */

static void scn_set_defaults(struct scenario *s)
{
    s->seed = SCN_DEFAULT_SEED;
    s->max_time_ns = SCN_DEFAULT_MAX_TIME_NS;
    s->net.latency_ns = SCN_DEFAULT_LATENCY_NS;
    s->net.bandwidth_bps = SCN_DEFAULT_BANDWIDTH_BPS;
}

int scenario_parse(const char *text, size_t len, const char *path, struct scenario *out, char *err,
                   size_t err_bytes)
{
    const char *shown_path = path != NULL ? path : "(input)";
    struct scn_parser p = {{shown_path, err, err_bytes}, out, path != NULL, 0, 0};
    memset(out, 0, sizeof *out);
    if (err != NULL && err_bytes > 0)
        err[0] = '\0';
    scn_set_defaults(out);
    out->path = strdup(shown_path);
    if (out->path == NULL)
        return jcheck_fail(&p.jc, NULL, "out of memory");
    cJSON *doc = NULL;
    int rc = scn_parse_json(&p.jc, text != NULL ? text : "", text != NULL ? len : 0, &doc);
    if (rc == 0)
        rc = scn_parse_root(&p, doc);
    cJSON_Delete(doc);
    if (rc == 0)
        sha256_hex(text, len, out->sha256);
    if (rc < 0)
        scenario_free(out);
    return rc;
}

/* Read the whole file; *text is NUL-terminated for convenience. */
static int scn_read_file(const struct jcheck *jc, const char *path, char **text, size_t *len)
{
    *text = files_read_text(path, SCN_MAX_FILE_BYTES, len);
    if (*text != NULL)
        return 0;
    if (errno == EFBIG)
        return jcheck_fail(jc, NULL, "cannot read: larger than %u bytes", SCN_MAX_FILE_BYTES);
    return jcheck_fail(jc, NULL, "cannot read: %s", strerror(errno));
}

int scenario_load(const char *path, struct scenario *out, char *err, size_t err_bytes)
{
    const struct jcheck jc = {path, err, err_bytes};
    char *text = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    if (scn_read_file(&jc, path, &text, &len) < 0)
        return -1;
    int rc = scenario_parse(text, len, path, out, err, err_bytes);
    free(text);
    return rc;
}

void scenario_free(struct scenario *s)
{
    if (s == NULL)
        return;
    for (uint32_t i = 0; i < s->event_count; i++)
        scn_free_event(&s->events[i]);
    free(s->events);
    for (uint32_t i = 0; i < s->disk_count; i++)
        scn_free_disk(s->disks[i]);
    free(s->disks);
    scn_free_programs(s);
    free(s->links);
    free(s->nodes);
    free(s->name);
    free(s->path);
    memset(s, 0, sizeof *s);
}
