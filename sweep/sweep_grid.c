/* sweep_grid.c - see sweep_grid.h. */
#include "sweep_grid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/xalloc.h"

bool sweep_grid_add_key(struct sweep_grid *g, const char *key)
{
    if (g->key_count == SWEEP_MAX_KEYS)
        return false;
    g->key[g->key_count] = xstrdup(key);
    g->value[g->key_count] = NULL;
    g->value_count[g->key_count] = 0;
    g->key_count++;
    return true;
}

bool sweep_grid_add_value(struct sweep_grid *g, size_t k, const char *value)
{
    size_t n = g->value_count[k];
    if (n == SWEEP_MAX_VALUES)
        return false;
    for (size_t i = 0; i < n; i++)
        if (strcmp(g->value[k][i], value) == 0)
            return false;
    g->value[k] = xrealloc(g->value[k], (n + 1) * sizeof g->value[k][0]);
    g->value[k][n] = xstrdup(value);
    g->value_count[k] = n + 1;
    return true;
}

int sweep_grid_find_key(const struct sweep_grid *g, const char *key)
{
    for (size_t k = 0; k < g->key_count; k++)
        if (strcmp(g->key[k], key) == 0)
            return (int)k;
    return -1;
}

size_t sweep_grid_combos(const struct sweep_grid *g)
{
    size_t n = 1;
    for (size_t k = 0; k < g->key_count; k++) {
        n *= g->value_count[k];
        if (n > SWEEP_MAX_COMBOS)
            return 0;
    }
    return n;
}

void sweep_grid_values_of(const struct sweep_grid *g, size_t combo, size_t value_index[SWEEP_MAX_KEYS])
{
    for (size_t k = g->key_count; k-- > 0;) {
        value_index[k] = combo % g->value_count[k];
        combo /= g->value_count[k];
    }
}

size_t sweep_grid_combo_of(const struct sweep_grid *g, const size_t value_index[SWEEP_MAX_KEYS])
{
    size_t combo = 0;
    for (size_t k = 0; k < g->key_count; k++)
        combo = combo * g->value_count[k] + value_index[k];
    return combo;
}

/* Letters, digits and . _ - + = stay; anything else (a '/', a quote, a
 * space) would make the name a path or need quoting in a shell. */
static char dir_char(char c)
{
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-' || c == '+';
    return ok ? c : '_';
}

/* Append `text` to buf at *n, each character through dir_char; false
 * when it does not fit. */
static bool append_name(char *buf, size_t bytes, size_t *n, const char *text, bool raw)
{
    for (const char *c = text; *c != '\0'; c++) {
        if (*n + 1 >= bytes)
            return false;
        buf[(*n)++] = raw ? *c : dir_char(*c);
    }
    buf[*n] = '\0';
    return true;
}

bool sweep_grid_dir_name(const struct sweep_grid *g, size_t combo, char *buf, size_t bytes)
{
    size_t vi[SWEEP_MAX_KEYS], n = 0;
    sweep_grid_values_of(g, combo, vi);
    buf[0] = '\0';
    bool fits = true;
    for (size_t k = 0; k < g->key_count && fits; k++)
        fits = append_name(buf, bytes, &n, k > 0 ? "," : "", true) && append_name(buf, bytes, &n, g->key[k], false) &&
               append_name(buf, bytes, &n, "=", true) && append_name(buf, bytes, &n, g->value[k][vi[k]], false);
    return fits;
}

void sweep_grid_safe_name(const char *text, char *buf, size_t bytes)
{
    size_t n = 0;
    buf[0] = '\0';
    for (const char *c = text; *c != '\0' && n + 1 < bytes; c++)
        buf[n++] = dir_char(*c);
    buf[n] = '\0';
}

static bool same_name(const char *x, const char *y)
{
    for (; *x != '\0' && *y != '\0'; x++, y++)
        if (dir_char(*x) != dir_char(*y))
            return false;
    return *x == *y;
}

bool sweep_grid_names_clash(const struct sweep_grid *g, size_t k, size_t *a, size_t *b)
{
    for (*a = 0; *a < g->value_count[k]; (*a)++)
        for (*b = *a + 1; *b < g->value_count[k]; (*b)++)
            if (same_name(g->value[k][*a], g->value[k][*b]))
                return true;
    return false;
}

void sweep_grid_free(struct sweep_grid *g)
{
    for (size_t k = 0; k < g->key_count; k++) {
        for (size_t i = 0; i < g->value_count[k]; i++)
            free(g->value[k][i]);
        free(g->value[k]);
        free(g->key[k]);
    }
    memset(g, 0, sizeof *g);
}
