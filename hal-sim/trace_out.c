/*
 * trace_out.c - see trace_out.h. Lines are built in a buffer with our own
 * integer formatting (no printf, no locale) and written in large blocks.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace_out.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "core/abi.h"
#include "scenario.h"
#include "core/names.h"
#include "host/text_buf.h"

#define TRACE_FLUSH_BYTES (256u * 1024u)
#define TRACE_TEE_FLUSH_BYTES 4096u /* with a live viewer: lines reach it sooner */

int trace_out_open(struct trace_out *t, const char *path)
{
    memset(t, 0, sizeof *t);
    t->tee_fd = -1;
    if (path == NULL)
        return 0;
    t->f = fopen(path, "wb");
    return t->f != NULL ? 0 : -1;
}

void trace_out_tee(struct trace_out *t, int fd) { t->tee_fd = fd; }

static void tee_write(struct trace_out *t)
{
    for (size_t done = 0; done < t->buf.len;) {
        ssize_t n = write(t->tee_fd, t->buf.data + done, t->buf.len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            t->tee_fd = -1;
            return;
        }
        done += (size_t)n;
    }
}

/* Keep the first failure's reason: later ones follow from it. */
static void trace_note_failure(struct trace_out *t)
{
    if (t->write_errno == 0)
        t->write_errno = errno != 0 ? errno : EIO;
}

static void trace_flush(struct trace_out *t)
{
    if (t->tee_fd >= 0)
        tee_write(t);
    if (text_buf_flush(&t->buf, t->f) < 0)
        trace_note_failure(t);
}

int trace_out_close(struct trace_out *t)
{
    trace_flush(t);
    if (t->f != NULL && fclose(t->f) != 0)
        trace_note_failure(t);
    t->f = NULL;
    text_buf_free(&t->buf);
    errno = t->write_errno;
    return t->write_errno != 0 ? -1 : 0;
}

/* Every line: {"t":T[,"node":N],"ev":"NAME" ... then fields ... }\n */
static void line_begin(struct trace_out *t, uint64_t t_ns, int64_t node, const char *ev)
{
    text_buf_put(&t->buf, "{\"t\":", 5);
    text_buf_u64(&t->buf, t_ns);
    if (node >= 0) {
        text_buf_put(&t->buf, ",\"node\":", 8);
        text_buf_u64(&t->buf, (uint64_t)node);
    }
    text_buf_put(&t->buf, ",\"ev\":\"", 7);
    text_buf_puts(&t->buf, ev);
    text_buf_putc(&t->buf, '"');
}

static void field_key(struct trace_out *t, const char *key)
{
    text_buf_put(&t->buf, ",\"", 2);
    text_buf_puts(&t->buf, key);
    text_buf_put(&t->buf, "\":", 2);
}

static void field_u64(struct trace_out *t, const char *key, uint64_t v)
{
    field_key(t, key);
    text_buf_u64(&t->buf, v);
}

static void field_i64(struct trace_out *t, const char *key, int64_t v)
{
    field_key(t, key);
    text_buf_i64(&t->buf, v);
}

static void field_pid(struct trace_out *t, const char *key, uint32_t pid)
{
    field_key(t, key);
    text_buf_put(&t->buf, "\"n", 2);
    text_buf_u64(&t->buf, ABI_PID_NODE(pid));
    text_buf_putc(&t->buf, '.');
    text_buf_u64(&t->buf, ABI_PID_LOCAL(pid));
    text_buf_putc(&t->buf, '"');
}

static void field_str(struct trace_out *t, const char *key, const char *s, size_t len)
{
    field_key(t, key);
    text_buf_json_str(&t->buf, s, len);
}

static void field_cstr(struct trace_out *t, const char *key, const char *s)
{
    field_str(t, key, s, strlen(s));
}

static void line_end(struct trace_out *t)
{
    text_buf_put(&t->buf, "}\n", 2);
    t->lines++;
    if (t->buf.len >= (t->tee_fd >= 0 ? TRACE_TEE_FLUSH_BYTES : TRACE_FLUSH_BYTES))
        trace_flush(t);
}

const char *trace_fault_name(uint32_t reason)
{
    static const char *const names[HAL_FAULT_COUNT] = {
        [HAL_FAULT_ILLEGAL_INSTRUCTION] = "illegal_instruction",
        [HAL_FAULT_BREAKPOINT] = "breakpoint",
        [HAL_FAULT_FETCH] = "fetch",
        [HAL_FAULT_LOAD] = "load",
        [HAL_FAULT_STORE] = "store",
        [HAL_FAULT_MISALIGNED] = "misaligned",
        [HAL_FAULT_STACK_OVERFLOW] = "stack_overflow",
        [HAL_FAULT_NO_MEMORY] = "out_of_memory",
    };
    return reason < HAL_FAULT_COUNT ? names[reason] : "unknown";
}

const char *trace_drop_name(uint32_t reason)
{
    static const char *const names[HAL_DROP_COUNT] = {
        [HAL_DROP_MAILBOX_FULL] = "mailbox_full",
        [HAL_DROP_NO_PROCESS] = "no_process",
        [HAL_DROP_UNREACHABLE] = "unreachable",
        [HAL_DROP_BAD_FRAME] = "bad_frame",
    };
    return reason < HAL_DROP_COUNT ? names[reason] : "unknown";
}

static const char *trace_wait_name(uint32_t wait)
{
    static const char *const names[HAL_WAIT_COUNT] = {
        [HAL_WAIT_RECV] = "recv", [HAL_WAIT_CHILD] = "child", [HAL_WAIT_SLEEP] = "sleep",
        [HAL_WAIT_SEND] = "send", [HAL_WAIT_STORE] = "store",
    };
    return wait < HAL_WAIT_COUNT ? names[wait] : "unknown";
}

const char *trace_kernel_event_name(uint32_t type)
{
    static const char *const names[HAL_TRACE_TYPE_COUNT] = {
        [HAL_TRACE_BOOT] = "boot",
        [HAL_TRACE_SPAWN] = "spawn",
        [HAL_TRACE_EXIT] = "exit",
        [HAL_TRACE_FAULT] = "fault",
        [HAL_TRACE_SEND] = "send",
        [HAL_TRACE_DELIVER] = "deliver",
        [HAL_TRACE_DROP] = "drop",
        [HAL_TRACE_LOAD] = "load",
        [HAL_TRACE_CONSOLE] = "console",
        [HAL_TRACE_RETRANSMIT] = "retransmit",
        [HAL_TRACE_PEER_RESET] = "peer_reset",
        [HAL_TRACE_MIGRATE_START] = "migrate_start",
        [HAL_TRACE_MIGRATE_ROUND] = "migrate_round",
        [HAL_TRACE_MIGRATE_INSTALL] = "migrate_install",
        [HAL_TRACE_MIGRATE_DONE] = "migrate_done",
        [HAL_TRACE_MIGRATE_ABORT] = "migrate_abort",
        [HAL_TRACE_FORWARD] = "forward",
        [HAL_TRACE_BALANCE] = "balance",
        [HAL_TRACE_CHILD_LOST] = "child_lost",
        [HAL_TRACE_MIGRATE_DROP] = "migrate_drop",
        [HAL_TRACE_SEND_RESULT] = "send_result",
        [HAL_TRACE_STORE_MOUNT] = "store_mount",
        [HAL_TRACE_STORE_COMMIT] = "store_commit",
        [HAL_TRACE_STORE_ERROR] = "store_error",
        [HAL_TRACE_BLOCK] = "block",
        [HAL_TRACE_WAKE] = "wake",
        [HAL_TRACE_KSEND] = "ksend",
        [HAL_TRACE_KRECV] = "krecv",
        [HAL_TRACE_MIGRATE_LOST] = "migrate_lost",
    };
    return type < HAL_TRACE_TYPE_COUNT ? names[type] : "unknown";
}

void trace_out_start(struct trace_out *t, const char *scenario, uint64_t seed, uint32_t nodes)
{
    line_begin(t, 0, -1, "start");
    field_cstr(t, "scenario", scenario);
    field_u64(t, "seed", seed);
    field_u64(t, "nodes", nodes);
    field_u64(t, "schema", TRACE_SCHEMA_VERSION);
    line_end(t);
}

static void field_error(struct trace_out *t, int error)
{
    field_i64(t, "error", error);
    field_cstr(t, "message", abi_error_name(error));
}

/* The Dispatcher's and the balancer's events. */
static void trace_migration_fields(struct trace_out *t, const struct hal_trace_event *ev)
{
    field_pid(t, "pid", ev->pid);
    switch (ev->type) {
    case HAL_TRACE_MIGRATE_START: field_u64(t, "to", ev->value2); break;
    case HAL_TRACE_MIGRATE_ROUND:
        field_u64(t, "to", ev->value2);
        field_u64(t, "round", (uint32_t)ev->value);
        field_u64(t, "bytes", ev->value64);
        break;
    case HAL_TRACE_MIGRATE_INSTALL: field_u64(t, "from", ev->value2); break;
    case HAL_TRACE_MIGRATE_DONE:
        field_u64(t, "to", ev->value2);
        field_u64(t, "bytes", ev->value64);
        field_u64(t, "freeze_us", (uint32_t)ev->value);
        break;
    case HAL_TRACE_MIGRATE_ABORT:
        field_u64(t, "to", ev->value2);
        field_error(t, ev->value);
        break;
    case HAL_TRACE_FORWARD:
        field_pid(t, "src", ev->other_pid);
        field_u64(t, "next", ev->value2);
        break;
    case HAL_TRACE_BALANCE:
        field_i64(t, "to", ev->value2 == 0xFFFFu ? -1 : (int64_t)ev->value2);
        field_u64(t, "load_milli", (uint32_t)ev->value);
        field_cstr(t, "policy", balance_policy_name(ev->reason));
        break;
    default: break;
    }
}

static const char *store_error_name(uint32_t what)
{
    static const char *const names[HAL_STORE_ERR_COUNT] = {
        [HAL_STORE_ERR_MOUNT] = "mount",
        [HAL_STORE_ERR_READ] = "read",
        [HAL_STORE_ERR_COMMIT] = "commit",
    };
    return what < HAL_STORE_ERR_COUNT ? names[what] : "unknown";
}

/* Stockholder's events (docs/trace.md). */
static void trace_store_fields(struct trace_out *t, const struct hal_trace_event *ev)
{
    switch (ev->type) {
    case HAL_TRACE_STORE_MOUNT:
        field_u64(t, "seq", ev->value64);
        field_u64(t, "blocks_read", (uint32_t)ev->value);
        field_u64(t, "took_us", ev->value2);
        field_u64(t, "formatted", ev->reason);
        break;
    case HAL_TRACE_STORE_COMMIT:
        field_u64(t, "seq", ev->value64);
        field_u64(t, "blocks", (uint32_t)ev->value);
        field_u64(t, "requests", ev->value2);
        field_u64(t, "took_us", ev->other_pid);
        break;
    default:
        field_cstr(t, "what", store_error_name(ev->reason));
        field_error(t, ev->value);
        field_u64(t, "block", ev->value64);
        break;
    }
}

void trace_out_kernel(struct trace_out *t, uint64_t t_ns, uint32_t node,
                      const struct hal_trace_event *ev)
{
    line_begin(t, t_ns, node, trace_kernel_event_name(ev->type));
    switch (ev->type) {
    case HAL_TRACE_BOOT:
        field_u64(t, "epoch", (uint32_t)ev->value);
        break;
    case HAL_TRACE_SPAWN:
        field_pid(t, "pid", ev->pid);
        field_pid(t, "parent", ev->other_pid);
        field_str(t, "program", ev->text, ev->text_len);
        break;
    case HAL_TRACE_EXIT:
        field_pid(t, "pid", ev->pid);
        field_i64(t, "status", ev->value);
        break;
    case HAL_TRACE_FAULT:
        field_pid(t, "pid", ev->pid);
        field_cstr(t, "reason", trace_fault_name(ev->reason));
        field_u64(t, "pc", (uint32_t)ev->value);
        field_u64(t, "addr", ev->value2);
        break;
    case HAL_TRACE_SEND:
        field_pid(t, "pid", ev->pid);
        field_pid(t, "dst", ev->other_pid);
        field_u64(t, "bytes", (uint32_t)ev->value);
        break;
    case HAL_TRACE_DELIVER:
        field_pid(t, "pid", ev->pid);
        field_pid(t, "src", ev->other_pid);
        field_u64(t, "bytes", (uint32_t)ev->value);
        break;
    case HAL_TRACE_SEND_RESULT:
        field_pid(t, "pid", ev->pid);
        field_pid(t, "dst", ev->other_pid);
        field_u64(t, "bytes", ev->value2);
        field_error(t, ev->value);
        break;
    case HAL_TRACE_DROP:
        field_pid(t, "pid", ev->pid);
        field_pid(t, "src", ev->other_pid);
        field_cstr(t, "reason", trace_drop_name(ev->reason));
        field_u64(t, "bytes", (uint32_t)ev->value);
        break;
    case HAL_TRACE_LOAD:
        field_u64(t, "load_milli", (uint32_t)ev->value);
        field_u64(t, "runq", ev->value2);
        field_u64(t, "procs", ev->other_pid);
        break;
    case HAL_TRACE_CONSOLE:
        field_pid(t, "pid", ev->pid);
        field_str(t, "text", ev->text, ev->text_len);
        break;
    case HAL_TRACE_RETRANSMIT:
        field_u64(t, "seq", (uint32_t)ev->value);
        field_u64(t, "peer", ev->value2);
        break;
    case HAL_TRACE_PEER_RESET:
        field_u64(t, "peer", ev->value2);
        break;
    case HAL_TRACE_CHILD_LOST:
        field_pid(t, "pid", ev->pid);
        field_pid(t, "parent", ev->other_pid);
        field_u64(t, "on", ev->value2);
        break;
    case HAL_TRACE_MIGRATE_DROP:
        field_pid(t, "pid", ev->pid);
        field_u64(t, "from", ev->value2);
        break;
    case HAL_TRACE_MIGRATE_LOST:
        field_pid(t, "pid", ev->pid);
        field_u64(t, "to", ev->value2);
        break;
    case HAL_TRACE_BLOCK:
        field_pid(t, "pid", ev->pid);
        field_cstr(t, "wait", trace_wait_name(ev->reason));
        break;
    case HAL_TRACE_WAKE:
        field_pid(t, "pid", ev->pid);
        break;
    case HAL_TRACE_KSEND:
    case HAL_TRACE_KRECV:
        field_u64(t, ev->type == HAL_TRACE_KSEND ? "to" : "from", ev->value2);
        field_str(t, "type", ev->text, ev->text_len);
        field_u64(t, "seq", (uint32_t)ev->value);
        break;
    case HAL_TRACE_STORE_MOUNT:
    case HAL_TRACE_STORE_COMMIT:
    case HAL_TRACE_STORE_ERROR:
        trace_store_fields(t, ev);
        break;
    case HAL_TRACE_MIGRATE_START:
    case HAL_TRACE_MIGRATE_ROUND:
    case HAL_TRACE_MIGRATE_INSTALL:
    case HAL_TRACE_MIGRATE_DONE:
    case HAL_TRACE_MIGRATE_ABORT:
    case HAL_TRACE_FORWARD:
    case HAL_TRACE_BALANCE:
        trace_migration_fields(t, ev);
        break;
    default:
        field_u64(t, "type", ev->type);
        break;
    }
    line_end(t);
}

void trace_out_crash(struct trace_out *t, uint64_t t_ns, uint32_t node, uint64_t disk_request)
{
    line_begin(t, t_ns, node, "crash");
    if (disk_request != 0)
        field_u64(t, "disk_request", disk_request);
    line_end(t);
}

void trace_out_disk_crash(struct trace_out *t, uint64_t t_ns, uint32_t node, uint32_t lost, uint32_t kept,
                          bool torn, uint32_t in_flight_sectors)
{
    line_begin(t, t_ns, node, "disk_crash");
    field_u64(t, "lost", lost);
    field_u64(t, "kept", kept);
    field_u64(t, "torn", torn);
    field_u64(t, "in_flight_sectors", in_flight_sectors);
    line_end(t);
}

void trace_out_restart(struct trace_out *t, uint64_t t_ns, uint32_t node, uint32_t epoch)
{
    line_begin(t, t_ns, node, "restart");
    field_u64(t, "epoch", epoch);
    line_end(t);
}

void trace_out_partition(struct trace_out *t, uint64_t t_ns, const uint32_t *group_of_node,
                         uint32_t nodes)
{
    line_begin(t, t_ns, -1, "partition");
    field_key(t, "groups");
    text_buf_putc(&t->buf, '[');
    for (uint32_t i = 0; i < nodes; i++) {
        if (i != 0)
            text_buf_putc(&t->buf, ',');
        text_buf_u64(&t->buf, group_of_node[i]);
    }
    text_buf_putc(&t->buf, ']');
    line_end(t);
}

/* "key": [the nodes whose entry in `table` is `value`] */
static void field_nodes_with(struct trace_out *t, const char *key, const uint32_t *table, uint32_t nodes,
                             uint32_t value)
{
    field_key(t, key);
    text_buf_putc(&t->buf, '[');
    bool first = true;
    for (uint32_t i = 0; i < nodes; i++) {
        if (table[i] != value)
            continue;
        if (!first)
            text_buf_putc(&t->buf, ',');
        text_buf_u64(&t->buf, i);
        first = false;
    }
    text_buf_putc(&t->buf, ']');
}

void trace_out_partition_one_way(struct trace_out *t, uint64_t t_ns, const uint32_t *side_of_node,
                                 uint32_t nodes)
{
    line_begin(t, t_ns, -1, "partition_one_way");
    field_nodes_with(t, "from", side_of_node, nodes, SCN_SIDE_FROM);
    field_nodes_with(t, "to", side_of_node, nodes, SCN_SIDE_TO);
    line_end(t);
}

void trace_out_pause(struct trace_out *t, uint64_t t_ns, uint32_t node, uint64_t until_ns)
{
    line_begin(t, t_ns, node, "pause");
    field_u64(t, "until", until_ns);
    line_end(t);
}

void trace_out_resume(struct trace_out *t, uint64_t t_ns, uint32_t node, uint32_t frames)
{
    line_begin(t, t_ns, node, "resume");
    field_u64(t, "frames", frames);
    line_end(t);
}

void trace_out_heal(struct trace_out *t, uint64_t t_ns)
{
    line_begin(t, t_ns, -1, "heal");
    line_end(t);
}

void trace_out_frame_lost(struct trace_out *t, uint64_t t_ns, uint32_t src, uint32_t dst,
                          const char *reason, uint32_t bytes)
{
    line_begin(t, t_ns, src, "frame_lost");
    field_i64(t, "dst", dst == UINT32_MAX ? -1 : (int64_t)dst);
    field_cstr(t, "reason", reason);
    field_u64(t, "bytes", bytes);
    line_end(t);
}

void trace_out_spawn_failed(struct trace_out *t, uint64_t t_ns, uint32_t node,
                            const char *program, int error)
{
    line_begin(t, t_ns, node, "spawn_failed");
    field_cstr(t, "program", program);
    field_error(t, error);
    line_end(t);
}

void trace_out_migrate_failed(struct trace_out *t, uint64_t t_ns, uint32_t node, uint32_t pid,
                              uint32_t to, int error)
{
    line_begin(t, t_ns, node, "migrate_failed");
    field_pid(t, "pid", pid);
    field_u64(t, "to", to);
    field_error(t, error);
    line_end(t);
}

void trace_out_ignored(struct trace_out *t, uint64_t t_ns, uint32_t node, const char *event,
                       const char *why)
{
    line_begin(t, t_ns, node, "ignored");
    field_cstr(t, "event", event);
    field_cstr(t, "why", why);
    line_end(t);
}

void trace_out_assert(struct trace_out *t, uint64_t t_ns, uint32_t node, const struct hal_assert *a)
{
    line_begin(t, t_ns, (int64_t)node, "assert");
    field_cstr(t, "file", a->file);
    field_u64(t, "line", a->line);
    field_cstr(t, "expr", a->expr);
    if (a->msg != NULL)
        field_cstr(t, "msg", a->msg);
    line_end(t);
}

void trace_out_end(struct trace_out *t, uint64_t t_ns, const char *reason, uint64_t events)
{
    line_begin(t, t_ns, -1, "end");
    field_cstr(t, "reason", reason);
    field_u64(t, "events", events);
    line_end(t);
}
