/*
 * node_config.c - see node_config.h. Words are slices of the command line
 * (pointer and length), never copied until they are checked; every error
 * names the word that caused it.
 */
#include "node_config.h"

#include "core/abi.h"
#include "core/kernel.h"
#include "core/names.h"
#include "kprint.h"
#include "kstring.h"
#include "node_programs.h"
#include "node_selftest.h"

#define NODE_MAX_COUNT 1024u
#define DEFAULT_SUBNET 0x0A000000u /* 10.0.0.0, as the simulator numbers nodes */
_Static_assert(NODE_PROGRAM_MAX_ARGS == ABI_ARGS_MAX_COUNT, "run= takes what spawn takes");

struct word {
    const char *text;
    size_t len;
};

static bool word_is(struct word w, const char *s)
{
    size_t n = strlen(s);
    return w.len == n && memcmp(w.text, s, n) == 0;
}

/* A decimal number of at most `max`, nothing else. */
static bool parse_uint(struct word w, uint32_t max, uint32_t *out)
{
    if (w.len == 0 || w.len > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < w.len; i++) {
        if (w.text[i] < '0' || w.text[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(w.text[i] - '0');
    }
    if (v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* A.B.C.D, each 0..255; not 0.0.0.0 nor the broadcast address. */
static bool parse_ipv4(struct word w, uint32_t *out)
{
    uint32_t ip = 0;
    size_t at = 0;
    for (int part = 0; part < 4; part++) {
        size_t start = at;
        while (at < w.len && w.text[at] != '.')
            at++;
        uint32_t octet;
        if (!parse_uint((struct word){w.text + start, at - start}, 255, &octet))
            return false;
        ip = ip << 8 | octet;
        if (part < 3 && (at == w.len || w.text[at++] != '.'))
            return false;
    }
    if (at != w.len || ip == 0 || ip == 0xFFFFFFFFu)
        return false;
    *out = ip;
    return true;
}

static bool parse_balance(struct word w, uint8_t *out)
{
    int found = balance_policy_find(w.text, w.len);
    if (found < 0)
        return false;
    *out = (uint8_t)found;
    return true;
}

static bool parse_migrate(struct word w, uint8_t *out)
{
    int found = migrate_mode_find(w.text, w.len);
    if (found < 0)
        return false;
    *out = (uint8_t)found;
    return true;
}

static bool program_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > ABI_PROGRAM_NAME_MAX || name[0] < 'a' || name[0] > 'z')
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

/* The first `c` in `s`, or its terminating NUL. */
static const char *find_or_end(const char *s, char c)
{
    while (*s != '\0' && *s != c)
        s++;
    return s;
}

/* Split item `index` of `run` (comma-separated; each item colon-separated
 * into a name and its arguments). -1 when there is no such item, -2 when
 * it is malformed. */
static int split_program(const char *run, uint32_t index, struct node_program *out)
{
    const char *item = run;
    for (uint32_t i = 0; i < index; i++) {
        item = find_or_end(item, ',');
        if (*item == '\0')
            return -1;
        item++;
    }
    if (*run == '\0')
        return -1;
    size_t len = (size_t)(find_or_end(item, ',') - item);
    memcpy(out->text, item, len);
    out->text[len] = '\0';
    out->name = out->text;
    out->argc = 0;
    for (char *c = out->text; *c != '\0'; c++) {
        if (*c != ':')
            continue;
        *c = '\0';
        if (out->argc == NODE_PROGRAM_MAX_ARGS || c[1] == ':' || c[1] == '\0')
            return -2; /* too many, or an empty argument */
        out->argv[out->argc++] = c + 1;
    }
    return program_name_valid(out->name) ? 0 : -2;
}

bool node_config_program(const struct node_config *cfg, uint32_t index, struct node_program *out)
{
    return split_program(cfg->run, index, out) == 0;
}

/* Copy a checked value into a fixed field. */
static bool copy_value(struct word v, char *dst, size_t cap)
{
    if (v.len >= cap)
        return false;
    memcpy(dst, v.text, v.len);
    dst[v.len] = '\0';
    return true;
}

/* Every item well formed and naming a program in the image or a boot
 * module (node_programs.h). */
static bool run_valid(const char *run)
{
    struct node_program p;
    uint32_t i = 0;
    int rc;
    while ((rc = split_program(run, i, &p)) == 0) {
        if (node_program_find(p.name, (uint32_t)strlen(p.name)) == NULL)
            return false;
        i++;
    }
    return rc == -1;
}

/* Apply one key=value word. False when the key or its value is bad. */
static bool apply_word(struct node_config *c, struct word key, struct word v)
{
    uint32_t n;
    if (word_is(key, "node") && parse_uint(v, NODE_MAX_COUNT - 1, &n)) {
        c->node_id = (uint16_t)n;
    } else if (word_is(key, "nodes") && parse_uint(v, NODE_MAX_COUNT, &n) && n >= 1) {
        c->node_count = (uint16_t)n;
    } else if (word_is(key, "ip")) {
        return parse_ipv4(v, &c->ipv4);
    } else if (word_is(key, "run")) {
        return copy_value(v, c->run, sizeof c->run) && run_valid(c->run);
    } else if (word_is(key, "balance")) {
        return parse_balance(v, &c->balance_policy);
    } else if (word_is(key, "migrate")) {
        return parse_migrate(v, &c->migrate_mode);
    } else if (word_is(key, "exit") && word_is(v, "idle")) {
        c->exit_when_idle = true;
    } else if (word_is(key, "kv") && parse_uint(v, NODE_MAX_COUNT - 1, &n)) {
        c->kv_configured = true;
        c->kv_backend = (uint16_t)n;
    } else if (word_is(key, "ata") && (word_is(v, "pio") || word_is(v, "dma"))) {
        c->ata_pio = word_is(v, "pio");
    } else if (word_is(key, "translate") && (word_is(v, "on") || word_is(v, "off"))) {
        c->interpret = word_is(v, "off");
    } else if (word_is(key, "selftest")) {
        return copy_value(v, c->selftest, sizeof c->selftest) && node_selftest_known(c->selftest);
    } else {
        return false;
    }
    return true;
}

/* The word as an error message shows it: cut to fit, and a control or
 * non-ASCII byte (a newline, an escape) as '?', so the message stays one
 * printable line. */
static void show_word(struct word w, char *dst, size_t cap)
{
    size_t n = w.len < cap ? w.len : cap - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = w.text[i] >= 0x20 && w.text[i] <= 0x7E ? w.text[i] : '?';
    dst[n] = '\0';
}

int node_config_parse(const char *cmdline, struct node_config *out, char *err, size_t err_bytes)
{
    memset(out, 0, sizeof *out);
    out->node_count = 1;
    bool ip_given = false;
    for (const char *at = cmdline; *at != '\0';) {
        if (*at == ' ' || *at == '\t') {
            at++;
            continue;
        }
        struct word w = {at, 0};
        while (at[w.len] != '\0' && at[w.len] != ' ' && at[w.len] != '\t')
            w.len++;
        at += w.len;
        size_t eq = 0;
        while (eq < w.len && w.text[eq] != '=')
            eq++;
        struct word key = {w.text, eq};
        struct word value = {w.text + eq + 1, eq < w.len ? w.len - eq - 1 : 0};
        if (eq == w.len || !apply_word(out, key, value)) {
            char shown[NODE_RUN_BYTES];
            show_word(w, shown, sizeof shown);
            ksnprintf(err, err_bytes, "bad word '%s' on the kernel command line", shown);
            return -1;
        }
        ip_given |= word_is(key, "ip");
    }
    if (out->node_id >= out->node_count) {
        ksnprintf(err, err_bytes, "node=%u is outside the cluster of nodes=%u", out->node_id,
                  out->node_count);
        return -1;
    }
    if (out->kv_configured && out->kv_backend >= out->node_count) {
        ksnprintf(err, err_bytes, "kv=%u is outside the cluster of nodes=%u", out->kv_backend, out->node_count);
        return -1;
    }
    if (!ip_given)
        out->ipv4 = DEFAULT_SUBNET + out->node_id + 1u;
    return 0;
}
