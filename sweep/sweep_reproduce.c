/* sweep_reproduce.c - see sweep_reproduce.h. */
#include "sweep_reproduce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/text_buf.h"
#include "host/xalloc.h"

/* `text` as one shell word: as it is when it holds nothing special,
 * else in single quotes. */
static void shell_word(struct text_buf *b, const char *text)
{
    size_t plain = strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/=,+-:@%");
    if (text[0] != '\0' && text[plain] == '\0') {
        text_buf_puts(b, text);
        return;
    }
    text_buf_putc(b, '\'');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\'')
            text_buf_puts(b, "'\\''");
        else
            text_buf_putc(b, *p);
    }
    text_buf_putc(b, '\'');
}

/* The overrides in the order the cell applied them: --set, then the grid. */
static void put_overrides(struct text_buf *b, const struct sweep_info *info, size_t combo)
{
    const struct sweep_grid *g = info->grid;
    size_t vi[SWEEP_MAX_KEYS];
    sweep_grid_values_of(g, combo, vi);
    for (size_t i = 0; i < info->set_count; i++) {
        text_buf_puts(b, " --set ");
        shell_word(b, info->set_specs[i]);
    }
    for (size_t k = 0; k < g->key_count; k++) {
        size_t bytes = strlen(g->key[k]) + strlen(g->value[k][vi[k]]) + 2;
        char *spec = xmalloc(bytes);
        snprintf(spec, bytes, "%s=%s", g->key[k], g->value[k][vi[k]]);
        text_buf_puts(b, " --set ");
        shell_word(b, spec);
        free(spec);
    }
}

/* The buffer's text as a string the caller frees. */
static char *text_of(struct text_buf *b)
{
    text_buf_putc(b, '\0');
    return b->data;
}

char *sweep_reproduce_template(const struct sweep_info *info, size_t combo, const char *seed_text)
{
    struct text_buf b = {0};
    text_buf_puts(&b, "nimbus run ");
    shell_word(&b, info->scenario_path);
    text_buf_puts(&b, " --seed ");
    text_buf_puts(&b, seed_text);
    put_overrides(&b, info, combo);
    return text_of(&b);
}

char *sweep_reproduce_command(const struct sweep_info *info, size_t combo, uint64_t seed)
{
    char seed_text[32];
    snprintf(seed_text, sizeof seed_text, "%llu", (unsigned long long)seed);
    return sweep_reproduce_template(info, combo, seed_text);
}

