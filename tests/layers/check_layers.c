/*
 * check_layers.c - checks who includes whom against layers.txt, from the
 * compiler's own account of every include.
 *
 *   check_layers RULES ROOT [--ignore DIR] [--moved-from OLD] [--only DIR]
 *                COMMANDS.json...
 *
 * Each COMMANDS.json is a compilation database (CMake's
 * compile_commands.json, or user/'s for the RV32 programs). Every
 * translation unit under ROOT is compiled again with -H -fsyntax-only:
 * the compiler prints the tree of headers it opened, one line a header,
 * its depth in dots. Each edge of that tree (the file that includes ->
 * the file included) is checked against the rules, with both ends taken
 * relative to ROOT. Files outside ROOT (system headers) and under an
 * --ignore directory (generated sources in the build tree) are not
 * checked. --moved-from OLD reads the databases as if every OLD in them
 * were ROOT: the test checks a copy of the tree with the real build's
 * database. --only DIR checks only the units under ROOT/DIR.
 *
 * The compiler prints a guarded header only the first time it is opened
 * in a unit, so a second include of it is not seen; layers.txt is closed
 * under inclusion, which makes such an include allowed whenever the first
 * one was (see layers.txt).
 *
 * Prints one line per forbidden include, "FILE includes HEADER: LAYER may
 * include only ...", then a count. Exit 0 when every include is allowed,
 * 1 when one is not, 2 when the check itself could not run.
 */
#define _XOPEN_SOURCE 700
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RULES 64
#define MAX_ALLOWED 16
#define MAX_DEPTH 64
#define LINE_BYTES 8192

struct rule {
    char layer[128];
    char allowed[MAX_ALLOWED][128];
    int allowed_count;
    bool anything;
};

struct checker {
    struct rule rules[MAX_RULES];
    int rule_count;
    char root[PATH_MAX];
    char ignore[4][PATH_MAX];
    int ignore_count;
    const char *moved_from;
    const char *only;
    long units, edges, forbidden;
};

static void die(const char *fmt, const char *arg)
{
    fputs("check_layers: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(2);
}

static void load_rules(struct checker *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        die("cannot open %s", path);
    char line[1024];
    while (fgets(line, sizeof line, f) != NULL) {
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        char *colon = strchr(line, ':');
        if (colon == NULL) {
            if (strspn(line, " \t\r\n") != strlen(line))
                die("a rule without ':' in %s", path);
            continue;
        }
        if (c->rule_count == MAX_RULES)
            die("too many rules in %s", path);
        struct rule *r = &c->rules[c->rule_count++];
        memset(r, 0, sizeof *r);
        *colon = '\0';
        if (sscanf(line, "%127s", r->layer) != 1)
            die("a rule without a layer in %s", path);
        for (char *w = strtok(colon + 1, " \t\r\n"); w != NULL; w = strtok(NULL, " \t\r\n")) {
            if (strcmp(w, "*") == 0)
                r->anything = true;
            else if (strcmp(w, "-") != 0 && r->allowed_count < MAX_ALLOWED)
                snprintf(r->allowed[r->allowed_count++], sizeof r->allowed[0], "%s", w);
        }
    }
    fclose(f);
}

/* Whether `path` is `prefix` itself or lies in the folder `prefix`. */
static bool path_within(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The rule whose layer is the longest one `rel` lies within, or NULL. */
static const struct rule *rule_for(const struct checker *c, const char *rel)
{
    const struct rule *best = NULL;
    for (int i = 0; i < c->rule_count; i++)
        if (path_within(rel, c->rules[i].layer) &&
            (best == NULL || strlen(c->rules[i].layer) > strlen(best->layer)))
            best = &c->rules[i];
    return best;
}

/* `path` (relative to `dir` unless absolute) as a path relative to the
 * root in `rel`; false for a file outside the root or ignored. */
static bool relative_to_root(const struct checker *c, const char *dir, const char *path, char *rel,
                             size_t rel_bytes)
{
    char joined[PATH_MAX * 2], real[PATH_MAX];
    if (path[0] == '/')
        snprintf(joined, sizeof joined, "%s", path);
    else
        snprintf(joined, sizeof joined, "%s/%s", dir, path);
    if (realpath(joined, real) == NULL)
        return false;
    for (int i = 0; i < c->ignore_count; i++)
        if (path_within(real, c->ignore[i]))
            return false;
    if (!path_within(real, c->root) || real[strlen(c->root)] == '\0')
        return false;
    snprintf(rel, rel_bytes, "%s", real + strlen(c->root) + 1);
    return true;
}

static bool edge_allowed(const struct rule *from, const char *to)
{
    if (from->anything || path_within(to, from->layer))
        return true;
    for (int i = 0; i < from->allowed_count; i++)
        if (path_within(to, from->allowed[i]))
            return true;
    return false;
}

static void check_edge(struct checker *c, const char *from, const char *to)
{
    const struct rule *r = rule_for(c, from);
    if (r == NULL)
        die("no rule in layers.txt for %s: add its folder", from);
    if (rule_for(c, to) == NULL)
        die("no rule in layers.txt for %s: add its folder", to);
    c->edges++;
    if (edge_allowed(r, to))
        return;
    c->forbidden++;
    printf("%s includes %s: %s may include only", from, to, r->layer);
    for (int i = 0; i < r->allowed_count; i++)
        printf("%s %s", i ? "," : "", r->allowed[i]);
    printf("%s\n", r->allowed_count ? "" : " itself");
}

/* A copy of `s` with every OLD replaced by the root (--moved-from). */
static char *moved(const struct checker *c, const char *s)
{
    size_t cap = strlen(s) * 2 + PATH_MAX + 1;
    char *out = malloc(cap);
    if (out == NULL)
        die("%s", "out of memory");
    size_t n = 0, old_len = c->moved_from ? strlen(c->moved_from) : 0;
    while (*s) {
        if (old_len && strncmp(s, c->moved_from, old_len) == 0 && n + strlen(c->root) < cap) {
            n += (size_t)snprintf(out + n, cap - n, "%s", c->root);
            s += old_len;
        } else if (n + 1 < cap) {
            out[n++] = *s++;
        } else {
            break;
        }
    }
    out[n] = '\0';
    return out;
}

/* Compile one unit with -H and check every edge of its include tree. */
static void check_unit(struct checker *c, const char *dir, const char *file, const char *command)
{
    char unit[PATH_MAX];
    if (!relative_to_root(c, dir, file, unit, sizeof unit))
        return;
    if (c->only != NULL && !path_within(unit, c->only))
        return;
    const struct rule *r = rule_for(c, unit);
    if (r == NULL)
        die("no rule in layers.txt for %s: add its folder", unit);
    if (r->anything)
        return; /* nothing it includes can be wrong */
    c->units++;
    size_t bytes = strlen(dir) + strlen(command) + 64;
    char *shell = malloc(bytes);
    if (shell == NULL)
        die("%s", "out of memory");
    snprintf(shell, bytes, "cd '%s' && %s -H -fsyntax-only 2>&1 >/dev/null", dir, command);
    FILE *p = popen(shell, "r");
    free(shell);
    if (p == NULL)
        die("cannot run the compiler for %s", unit);
    /* stack[d]: the file at depth d of the tree, "" when outside the root */
    static char stack[MAX_DEPTH + 1][PATH_MAX];
    snprintf(stack[0], sizeof stack[0], "%s", unit);
    char line[LINE_BYTES];
    while (fgets(line, sizeof line, p) != NULL) {
        size_t depth = strspn(line, ".");
        if (depth == 0 || line[depth] != ' ' || depth > MAX_DEPTH)
            continue; /* a diagnostic or the "multiple include guards" list */
        line[strcspn(line, "\r\n")] = '\0';
        char *to = stack[depth];
        if (!relative_to_root(c, dir, line + depth + 1, to, PATH_MAX))
            to[0] = '\0';
        if (to[0] != '\0' && stack[depth - 1][0] != '\0')
            check_edge(c, stack[depth - 1], to);
    }
    int status = pclose(p);
    if (status != 0)
        die("the compiler failed on %s (run the build first)", unit);
}

static void check_database(struct checker *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    if (text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size)
        die("cannot read %s", path);
    text[size] = '\0';
    fclose(f);
    cJSON *db = cJSON_Parse(text);
    free(text);
    if (!cJSON_IsArray(db))
        die("%s is not a compilation database (a JSON array)", path);
    const cJSON *e;
    cJSON_ArrayForEach(e, db) {
        const cJSON *dir = cJSON_GetObjectItemCaseSensitive(e, "directory");
        const cJSON *file = cJSON_GetObjectItemCaseSensitive(e, "file");
        const cJSON *command = cJSON_GetObjectItemCaseSensitive(e, "command");
        if (!cJSON_IsString(dir) || !cJSON_IsString(file) || !cJSON_IsString(command))
            die("%s: an entry without directory, file or command", path);
        char *d = moved(c, dir->valuestring), *fi = moved(c, file->valuestring),
             *co = moved(c, command->valuestring);
        check_unit(c, d, fi, co);
        free(d);
        free(fi);
        free(co);
    }
    cJSON_Delete(db);
}

int main(int argc, char **argv)
{
    static struct checker c;
    if (argc < 4)
        die("%s", "usage: check_layers RULES ROOT [--ignore DIR] [--moved-from OLD] [--only DIR] COMMANDS.json...");
    load_rules(&c, argv[1]);
    if (realpath(argv[2], c.root) == NULL)
        die("no source tree at %s", argv[2]);
    int i = 3;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--ignore") == 0 && c.ignore_count < 4) {
            if (realpath(argv[i + 1], c.ignore[c.ignore_count]) != NULL)
                c.ignore_count++;
        } else if (strcmp(argv[i], "--moved-from") == 0) {
            c.moved_from = argv[i + 1];
        } else if (strcmp(argv[i], "--only") == 0) {
            c.only = argv[i + 1];
        } else {
            die("unknown option %s", argv[i]);
        }
    }
    if (i == argc)
        die("%s", "no compilation database given");
    for (; i < argc; i++)
        check_database(&c, argv[i]);
    printf("%ld units, %ld includes checked: %ld forbidden\n", c.units, c.edges, c.forbidden);
    return c.forbidden == 0 ? 0 : 1;
}
