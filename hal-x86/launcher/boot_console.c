/* boot_console.c - see boot_console.h. */
#define _GNU_SOURCE /* accept4, SOCK_CLOEXEC */
#include "boot_console.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "boot_edit.h"
#include "boot_notice.h"

int boot_console_open(struct boot_console *c, uint32_t node, const char *sock_path, const char *log_path,
                      char *err, size_t err_bytes)
{
    *c = (struct boot_console){.node = node, .listen_fd = -1, .fd = -1};
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(sock_path) >= sizeof addr.sun_path) {
        snprintf(err, err_bytes, "socket path too long: %s", sock_path);
        return -1;
    }
    strcpy(addr.sun_path, sock_path);
    c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (c->listen_fd < 0 || bind(c->listen_fd, (const struct sockaddr *)&addr, sizeof addr) < 0 ||
        listen(c->listen_fd, 1) < 0) {
        snprintf(err, err_bytes, "cannot listen on %s: %s", sock_path, strerror(errno));
        boot_console_close(c, NULL);
        return -1;
    }
    c->log = fopen(log_path, "w");
    if (c->log == NULL) {
        snprintf(err, err_bytes, "cannot write %s: %s", log_path, strerror(errno));
        boot_console_close(c, NULL);
        return -1;
    }
    setvbuf(c->log, NULL, _IOLBF, 0); /* readable while the node runs */
    return 0;
}

void boot_console_accept(struct boot_console *c)
{
    int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return; /* a connection that went away already: the QEMU's exit tells */
    c->fd = fd;
    close(c->listen_fd);
    c->listen_fd = -1;
}

/* Show the held answer and stop holding. */
static void boot_console_release(struct boot_console *c, FILE *out)
{
    if (out != NULL && c->held_len > 0) {
        boot_edit_hide();
        fwrite(c->held, 1, c->held_len, out);
    }
    c->held_len = 0;
    c->holding = false;
}

static void boot_console_show(struct boot_console *c, FILE *out)
{
    if (c->len == c->shown)
        return;
    int n = (int)(c->len - c->shown);
    const char *text = c->line + c->shown;
    c->shown = c->len;
    if (out == NULL)
        return;
    if (!c->holding) {
        boot_edit_hide();
        fprintf(out, "n%u| %.*s\n", c->node, n, text);
        return;
    }
    char piece[BOOT_LINE_BYTES + 16];
    size_t used = (size_t)snprintf(piece, sizeof piece, "n%u| %.*s\n", c->node, n, text);
    if (c->held_len + used > sizeof c->held) { /* a longer answer is shown in pieces */
        boot_console_release(c, out);
        c->holding = true;
    }
    memcpy(c->held + c->held_len, piece, used);
    c->held_len += used;
}

/* The line is complete: pass it on, show the rest of it, start the next. */
static void boot_console_end_line(struct boot_console *c, boot_console_line_fn *fn, void *ctx, FILE *out)
{
    c->line[c->len] = '\0';
    boot_console_show(c, out);
    fn(ctx, c->node, c->line, true);
    c->len = 0;
    c->shown = 0;
    c->answer_begun = c->holding;
}

static void boot_console_take(struct boot_console *c, const char *data, size_t n, boot_console_line_fn *fn,
                              void *ctx, FILE *out)
{
    for (size_t i = 0; i < n; i++) {
        char ch = data[i];
        if (ch == '\r' || ch == '\0') /* the UART's line ends are "\r\n" */
            continue;
        if (c->log != NULL && fputc(ch, c->log) == EOF)
            c->log_failed = true;
        if (ch == '\n') {
            boot_console_end_line(c, fn, ctx, out);
            continue;
        }
        c->line[c->len++] = ch;
        if (c->len == sizeof c->line - 1)
            boot_console_end_line(c, fn, ctx, out);
    }
}

bool boot_console_read(struct boot_console *c, boot_console_line_fn *fn, void *ctx, uint64_t now_ms,
                       FILE *out)
{
    char buf[4096];
    for (;;) {
        ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            break;
        if (n <= 0) {
            close(c->fd);
            c->fd = -1;
            return false;
        }
        c->last_byte_ms = now_ms;
        boot_console_take(c, buf, (size_t)n, fn, ctx, out);
    }
    if (c->len > 0) {
        c->line[c->len] = '\0';
        fn(ctx, c->node, c->line, false);
        /* The prompt is back after the answer: the answer is all there. */
        if (c->holding && c->answer_begun && boot_notice_is_prompt(c->line))
            boot_console_release(c, out);
    }
    return true;
}

int64_t boot_console_show_partial(struct boot_console *c, uint64_t now_ms, FILE *out)
{
    if (c->holding) {
        if (now_ms < c->hold_until_ms)
            return (int64_t)(c->hold_until_ms - now_ms);
        boot_console_release(c, out);
    }
    if (c->len == c->shown)
        return -1;
    uint64_t due = c->last_byte_ms + BOOT_PARTIAL_SHOW_MS;
    if (now_ms < due)
        return (int64_t)(due - now_ms);
    boot_console_show(c, out);
    return -1;
}

bool boot_console_settled(const struct boot_console *c)
{
    return c->len == c->shown && c->held_len == 0;
}

int boot_console_send(struct boot_console *c, const char *command, uint64_t now_ms)
{
    char text[BOOT_LINE_BYTES];
    int n = snprintf(text, sizeof text, "%s" BOOT_ENTER, command);
    if (c->fd < 0 || n < 0 || (size_t)n >= sizeof text)
        return -1;
    ssize_t sent = send(c->fd, text, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent != n)
        return -1;
    c->holding = true;
    c->answer_begun = false;
    c->hold_until_ms = now_ms + BOOT_ANSWER_HOLD_MS;
    return 0;
}

int boot_console_close(struct boot_console *c, FILE *out)
{
    boot_console_release(c, out);
    boot_console_show(c, out);
    if (c->listen_fd >= 0)
        close(c->listen_fd);
    if (c->fd >= 0)
        close(c->fd);
    c->listen_fd = c->fd = -1;
    if (c->log != NULL && fclose(c->log) != 0)
        c->log_failed = true;
    c->log = NULL;
    return c->log_failed ? -1 : 0;
}
