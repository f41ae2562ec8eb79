/* console_lines.c - see console_lines.h. */
#include "console_lines.h"

#include <stdbool.h>

#include "core/abi.h"
#include "core/param.h"
#include "kprint.h"
#include "kstring.h"

/* Every local process and the kernel, with room for remote processes
 * whose output comes home here; when all are taken the oldest line goes. */
#define PENDING_SLOTS (KERNEL_MAX_PROCS + 8u)

struct pending {
    bool used;
    uint32_t pid;
    uint64_t t_ns;
    uint32_t len;
    char text[CONSOLE_LINE_BYTES];
};

static struct pending pending[PENDING_SLOTS];

static void emit(uint16_t node, uint64_t t_ns, uint32_t pid, const char *text, uint32_t len)
{
    char line[64 + CONSOLE_LINE_BYTES];
    int n = ksnprintf(line, sizeof line, "[%5llu.%06llu ms] n%u.%u: ", (unsigned long long)(t_ns / 1000000u),
                      (unsigned long long)(t_ns % 1000000u), pid != 0 ? (unsigned)ABI_PID_NODE(pid) : node,
                      (unsigned)ABI_PID_LOCAL(pid));
    if (len > sizeof line - (size_t)n - 1)
        len = (uint32_t)(sizeof line - (size_t)n - 1);
    memcpy(line + n, text, len);
    line[(size_t)n + len] = '\n';
    kputs_n(line, (size_t)n + len + 1);
}

static const char *find_newline(const char *text, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        if (text[i] == '\n')
            return text + i;
    return NULL;
}

static struct pending *find(uint32_t pid)
{
    for (uint32_t i = 0; i < PENDING_SLOTS; i++)
        if (pending[i].used && pending[i].pid == pid)
            return &pending[i];
    return NULL;
}

static void emit_pending(uint16_t node, struct pending *p)
{
    emit(node, p->t_ns, p->pid, p->text, p->len);
    p->used = false;
}

/* A free slot, making one by writing out the oldest line if need be. */
static struct pending *take_slot(uint16_t node)
{
    struct pending *oldest = &pending[0];
    for (uint32_t i = 0; i < PENDING_SLOTS; i++) {
        if (!pending[i].used)
            return &pending[i];
        if (pending[i].t_ns < oldest->t_ns)
            oldest = &pending[i];
    }
    emit_pending(node, oldest);
    return oldest;
}

void console_lines_write(uint16_t node, uint64_t now_ns, uint32_t pid, const char *text, uint32_t len)
{
    struct pending *p = find(pid);
    while (len > 0) {
        const char *nl = find_newline(text, len);
        uint32_t piece = nl != NULL ? (uint32_t)(nl - text) : len;
        if (p == NULL && nl != NULL) {
            emit(node, now_ns, pid, text, piece); /* a whole line at once */
        } else {
            if (p == NULL) {
                p = take_slot(node);
                *p = (struct pending){.used = true, .pid = pid, .t_ns = now_ns};
            }
            uint32_t room = CONSOLE_LINE_BYTES - p->len;
            uint32_t take = piece < room ? piece : room;
            memcpy(p->text + p->len, text, take);
            p->len += take;
            if (nl == NULL && take == piece && p->len < CONSOLE_LINE_BYTES)
                return; /* the line goes on later */
            emit_pending(node, p);
            p = NULL;
            if (take < piece) { /* a full line: the rest starts a new one */
                text += take;
                len -= take;
                continue;
            }
        }
        if (nl == NULL)
            return;
        text += piece + 1;
        len -= piece + 1;
    }
}

void console_lines_flush(uint16_t node, uint32_t pid)
{
    struct pending *p = find(pid);
    if (p != NULL)
        emit_pending(node, p);
}
