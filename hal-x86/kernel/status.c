/*
 * status.c - see status.h. Rows, top to bottom: the title (node, address,
 * link), uptime and load with a bar, processes, the first processes by
 * pid, peers with their loads, migrations, network counters, a hint. Each
 * row is cut to the screen's width (80 columns in VGA text mode, 128 on a
 * 1024x768 framebuffer); wider screens show more processes and peers.
 */
#include "status.h"

#include <stdarg.h>
#include <stdbool.h>

#include "core/param.h"
#include "e1000.h"
#include "kprint.h"
#include "screen.h"
#include "textfmt.h"

#define STATUS_ROW_BYTES 256u      /* the widest row drawn */
#define STATUS_MAX_PEERS 1024u     /* node_config.h: nodes=1..1024 */
#define BAR_MILLI_PER_CELL 250u    /* a bar cell is a quarter of a runnable process */
#define LOAD_BAR_CELLS 20u
#define PEER_BAR_CELLS 8u
#define BAR_FULL 0xDBu             /* code page 437: full block */
#define BAR_EMPTY 0xB0u            /* code page 437: light shade */
#define MORE_BYTES 11u             /* "  +NNNN more" */

_Static_assert(SCREEN_STATUS_ROWS == 8u, "status.c lays out eight rows");

/* One row of text, cut at the screen's width. */
struct row {
    char text[STATUS_ROW_BYTES];
    uint32_t len, width;
};

static void row_start(struct row *r)
{
    uint32_t cols = screen_columns();
    r->width = cols < STATUS_ROW_BYTES ? cols : STATUS_ROW_BYTES - 1u;
    r->len = 0;
    r->text[0] = '\0';
}

static uint32_t row_room(const struct row *r)
{
    return r->width - r->len;
}

static void __attribute__((format(printf, 2, 3))) row_add(struct row *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(r->text + r->len, row_room(r) + 1u, fmt, ap);
    va_end(ap);
    r->len += (uint32_t)n < row_room(r) ? (uint32_t)n : row_room(r);
}

/* `cells` cells, full for each BAR_MILLI_PER_CELL of load; '+' past the end. */
static void row_bar(struct row *r, uint32_t load_milli, uint32_t cells)
{
    uint32_t full = load_milli / BAR_MILLI_PER_CELL;
    for (uint32_t i = 0; i < cells && row_room(r) > 0; i++)
        r->text[r->len++] = (char)(i < full ? BAR_FULL : BAR_EMPTY);
    if (full > cells && row_room(r) > 0)
        r->text[r->len++] = '+';
    r->text[r->len] = '\0';
}

/* Whether an entry of `len` bytes fits, leaving room for " +N more" when
 * other entries follow it. */
static bool row_fits(const struct row *r, int len, bool more_follow)
{
    return (uint32_t)len + (more_follow ? MORE_BYTES : 0u) <= row_room(r);
}

static void row_show(const struct row *r, uint32_t index, int highlight)
{
    screen_status_row(index, r->text, highlight);
}

static void show_title(const struct node_config *cfg)
{
    struct row r;
    uint8_t mac[6];
    e1000_mac(mac);
    row_start(&r);
    row_add(&r, " CUMULONIMBUS   node %u of %u   ip %u.%u.%u.%u", cfg->node_id, cfg->node_count,
            cfg->ipv4 >> 24, cfg->ipv4 >> 16 & 0xFFu, cfg->ipv4 >> 8 & 0xFFu, cfg->ipv4 & 0xFFu);
    if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)
        row_add(&r, "   no network card");
    else
        row_add(&r, "   mac %02x:%02x:%02x:%02x:%02x:%02x   link %s", mac[0], mac[1], mac[2], mac[3], mac[4],
                mac[5], e1000_link_up() ? "up" : "down");
    row_show(&r, 0, 1);
}

static void show_load(const struct kernel *k, uint64_t now_ns)
{
    struct row r;
    char up[TEXTFMT_BYTES], load[TEXTFMT_BYTES];
    uint32_t milli = kernel_stats(k)->load_milli;
    textfmt_uptime(up, sizeof up, now_ns);
    textfmt_load(load, sizeof load, milli);
    row_start(&r);
    row_add(&r, " up %s   load %5s ", up, load);
    row_bar(&r, milli, LOAD_BAR_CELLS);
    row_show(&r, 1, 0);
}

static void show_processes(const struct kernel *k)
{
    static struct kernel_proc_info procs[KERNEL_MAX_PROCS];
    const struct kernel_stats *s = kernel_stats(k);
    struct row r;
    row_start(&r);
    row_add(&r, " processes %u   (spawned %u, exited %u, faulted %u; %u pages in use)", kernel_process_count(k),
            s->spawned, s->exited, s->faulted, s->pages_in_use);
    row_show(&r, 2, 0);

    uint32_t n = kernel_list_processes(k, procs, KERNEL_MAX_PROCS);
    row_start(&r);
    row_add(&r, n == 0 ? "   none" : "  ");
    for (uint32_t i = 0; i < n; i++) {
        char pid[TEXTFMT_BYTES], entry[64];
        textfmt_pid(pid, sizeof pid, procs[i].pid);
        int len = ksnprintf(entry, sizeof entry, " %s %s%s", pid, procs[i].name, procs[i].moving ? " (moving)" : "");
        if (!row_fits(&r, len, i + 1 < n)) {
            row_add(&r, "  +%u more", n - i);
            break;
        }
        row_add(&r, "%s", entry);
    }
    row_show(&r, 3, 0);
}

static void show_peers(const struct kernel *k)
{
    static struct kernel_peer_info peers[STATUS_MAX_PEERS];
    uint32_t n = kernel_list_peers(k, peers, STATUS_MAX_PEERS);
    struct row r;
    row_start(&r);
    row_add(&r, " peers %u ", n);
    for (uint32_t i = 0; i < n; i++) {
        char load[TEXTFMT_BYTES], entry[32];
        textfmt_load(load, sizeof load, peers[i].load_milli);
        int len = ksnprintf(entry, sizeof entry, "  n%u %s ", peers[i].node, load);
        if (!row_fits(&r, len + (int)PEER_BAR_CELLS + 1, i + 1 < n)) {
            row_add(&r, "  +%u more", n - i);
            break;
        }
        row_add(&r, "%s", entry);
        row_bar(&r, peers[i].load_milli, PEER_BAR_CELLS);
    }
    row_show(&r, 4, 0);
}

static void show_counters(const struct kernel *k)
{
    const struct kernel_stats *s = kernel_stats(k);
    struct row r;
    row_start(&r);
    row_add(&r, " migrations out %u, in %u, aborted %u   forwarded %llu", s->migrations_out, s->migrations_in,
            s->migrations_aborted, (unsigned long long)s->forwarded);
    row_show(&r, 5, 0);
    row_start(&r);
    row_add(&r, " frames rx %llu, tx %llu, bad %llu   retransmits %llu   messages %llu", (unsigned long long)s->frames_rx,
            (unsigned long long)s->frames_tx, (unsigned long long)s->frames_bad,
            (unsigned long long)s->retransmits, (unsigned long long)s->msgs_delivered);
    row_show(&r, 6, 0);
}

static void show_hint(void)
{
    struct row r;
    row_start(&r);
    row_add(&r, " serial console: help ps peers load spawn migrate programs   %s", screen_mode());
    row_show(&r, 7, 0);
}

void status_refresh(const struct kernel *k, const struct node_config *cfg, uint64_t now_ns)
{
    show_title(cfg);
    show_load(k, now_ns);
    show_processes(k);
    show_peers(k);
    show_counters(k);
    show_hint();
}
