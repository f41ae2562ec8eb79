/* sim_console.c - see sim_console.h. */
#include "sim_console.h"
#include "host/xalloc.h"
#include "host/text_buf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sim_console_open(struct sim_console *c, const char *log_path, FILE *echo)
{
    memset(c, 0, sizeof *c);
    c->echo = echo;
    if (log_path != NULL) {
        c->log = fopen(log_path, "wb");
        if (c->log == NULL)
            return -1;
    }
    return 0;
}

/* Keep the first failure's reason: later ones follow from it. */
static void console_note_failure(struct sim_console *c)
{
    if (c->write_errno == 0)
        c->write_errno = errno != 0 ? errno : EIO;
}

int sim_console_close(struct sim_console *c)
{
    if (c->log != NULL && fclose(c->log) != 0)
        console_note_failure(c);
    if (c->echo != NULL)
        fflush(c->echo);
    c->log = NULL;
    text_buf_free(&c->line);
    errno = c->write_errno;
    return c->write_errno != 0 ? -1 : 0;
}

void sim_console_format_time(uint64_t t_ns, char *buf, size_t bytes)
{
    snprintf(buf, bytes, "[%5llu.%06llu ms]", (unsigned long long)(t_ns / 1000000u),
             (unsigned long long)(t_ns % 1000000u));
}

static void emit_line(struct sim_console *c, uint32_t node, uint64_t t_ns, uint32_t pid,
                      const char *text, size_t len)
{
    char stamp[48];
    sim_console_format_time(t_ns, stamp, sizeof stamp);
    struct text_buf *b = &c->line;
    b->len = 0;
    text_buf_puts(b, stamp);
    text_buf_put(b, " n", 2);
    text_buf_u64(b, pid != 0 ? pid >> 16 : node);
    text_buf_putc(b, '.');
    text_buf_u64(b, pid & 0xFFFFu);
    text_buf_put(b, ": ", 2);
    text_buf_put(b, text, len);
    text_buf_putc(b, '\n');
    if (c->log != NULL && fwrite(b->data, 1, b->len, c->log) != b->len)
        console_note_failure(c);
    if (c->echo != NULL) {
        if (c->progress != NULL)
            progress_clear(c->progress);
        fwrite(b->data, 1, b->len, c->echo);
    }
    c->lines++;
}

static struct sim_console_pending *find_pending(struct sim_console_node *cn, uint32_t pid)
{
    for (uint32_t i = 0; i < cn->count; i++)
        if (cn->items[i].pid == pid)
            return &cn->items[i];
    return NULL;
}

static void drop_pending(struct sim_console_node *cn, struct sim_console_pending *p)
{
    text_buf_free(&p->text);
    /* Keep the order of the rest: flushing a node writes oldest first. */
    size_t i = (size_t)(p - cn->items);
    memmove(&cn->items[i], &cn->items[i + 1], (cn->count - i - 1) * sizeof cn->items[0]);
    cn->count--;
    if (cn->count == 0) {
        free(cn->items);
        cn->items = NULL;
        cn->cap = 0;
    }
}

void sim_console_write(struct sim_console *c, struct sim_console_node *cn, uint32_t node,
                       uint64_t t_ns, uint32_t pid, const char *text, uint32_t len)
{
    struct sim_console_pending *p = find_pending(cn, pid);
    while (len > 0) {
        const char *nl = memchr(text, '\n', len);
        size_t piece = nl != NULL ? (size_t)(nl - text) : len;
        if (nl == NULL && (p == NULL || p->text.len + piece <= SIM_CONSOLE_LINE_MAX)) {
            if (p == NULL) {
                if (cn->count == cn->cap) {
                    cn->cap = cn->cap ? cn->cap * 2 : 2;
                    cn->items = xrealloc(cn->items, cn->cap * sizeof cn->items[0]);
                }
                p = &cn->items[cn->count++];
                memset(p, 0, sizeof *p);
                p->pid = pid;
                p->t_ns = t_ns;
            }
            text_buf_put(&p->text, text, piece);
            return;
        }
        if (p != NULL) {
            text_buf_put(&p->text, text, piece);
            emit_line(c, node, p->t_ns, pid, p->text.data, p->text.len);
            drop_pending(cn, p);
            p = NULL;
        } else {
            emit_line(c, node, t_ns, pid, text, piece);
        }
        if (nl == NULL)
            return;
        text += piece + 1;
        len -= (uint32_t)(piece + 1);
    }
}

void sim_console_flush_pid(struct sim_console *c, struct sim_console_node *cn, uint32_t node,
                           uint32_t pid)
{
    struct sim_console_pending *p = find_pending(cn, pid);
    if (p == NULL)
        return;
    emit_line(c, node, p->t_ns, pid, p->text.data, p->text.len);
    drop_pending(cn, p);
}

void sim_console_flush_node(struct sim_console *c, struct sim_console_node *cn, uint32_t node)
{
    while (cn->count > 0) {
        struct sim_console_pending *p = &cn->items[0];
        emit_line(c, node, p->t_ns, p->pid, p->text.data, p->text.len);
        drop_pending(cn, p);
    }
}
