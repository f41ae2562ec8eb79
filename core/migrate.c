/*
 * migrate.c - the Dispatcher: moving running processes between nodes
 * (migrate.h; the messages and the state machine are documented in
 * docs/protocol.md, "Migration").
 *
 * The source of a move streams BEGIN, then in pre-copy the pages as PAGE
 * messages while the process runs (rounds re-send the pages it dirtied),
 * then the process image (procimage.h) as IMAGE and CHUNK messages, and
 * waits for INSTALLED. Everything goes through the reliable transport,
 * which delivers in order; flow control is the transport's ERR_BUSY plus
 * a cap on how much of the peer's queue one move may hold, and sending
 * resumes from migrate_on_timer, which the kernel calls on every frame
 * (acknowledgements open the window) and timer.
 *
 * The target buffers the image, decodes it (on top of the pre-copied
 * pages), answers INSTALLED and holds the process in a slot, frozen and
 * unseen by proc_find. The source then sends what reached the frozen
 * mailbox meanwhile (HANDOVER LATE) and HANDOVER DONE, leaves a
 * forwarding entry and discards its copy; the target runs the process on
 * DONE. So the process never runs at both ends, and every message reaches
 * it through the source until the handover, which keeps each sender's
 * messages in order. Any failure before DONE thaws the process at the
 * source, where it runs on as if nothing had happened.
 *
 * Moves are kept in small fixed tables scanned in index order, and every
 * time comes from the node's clock: nothing depends on pointer values.
 */
#include "migrate.h"

#include "bytes.h"
#include "ipc.h"
#include "kernel_priv.h"
#include "location.h"
#include "proc.h"
#include "procimage.h"
#include "transport.h"

/* Message types, CLUSTER_MSG_MIGRATE_FIRST.. (docs/protocol.md). */
enum {
    MSG_BEGIN = CLUSTER_MSG_MIGRATE_FIRST, /* source -> target: a move starts */
    MSG_PAGE,                              /* source -> target: part of a pre-copied page */
    MSG_IMAGE,                             /* source -> target: the image's length */
    MSG_CHUNK,                             /* source -> target: bytes of the image */
    MSG_INSTALLED,                         /* target -> source: decoded, held, waiting */
    MSG_ABORT,                             /* target -> source: the move failed there */
    MSG_CANCEL,                            /* source -> target: the move failed here */
    MSG_HANDOVER,                          /* source -> target: a late message, or "run it" */
};
_Static_assert((int)MSG_HANDOVER == (int)CLUSTER_MSG_MIGRATE_LAST, "migration's types fit its range");

/* Limits. Candidates for param.h once the balancer tunes them. */
#define MIGRATE_MAX_OUT 4u              /* moves a node sends at once */
#define MIGRATE_MAX_IN 4u               /* moves a node receives at once */
#define MIGRATE_STALL_NS 5000000000ull  /* a move without progress this long fails */
#define MIGRATE_RETRY_NS 100000ull      /* poll for a freeze or answer that had to wait */
#define MIGRATE_QUEUE_CAP 64u           /* of the peer's transport queue, what a move may fill */
#define MIGRATE_DRAIN_LEFT 4u           /* pre-copy freezes once the queue is this short */
#define MIGRATE_MAX_ROUNDS 8u           /* pre-copy rounds, the full copy included */
#define MIGRATE_FEW_PAGES 8u            /* dirty pages left that end pre-copy */
_Static_assert(MIGRATE_QUEUE_CAP >= 2u * TRANSPORT_WINDOW, "a move keeps the window full");
_Static_assert(MIGRATE_QUEUE_CAP < TRANSPORT_WINDOW + TRANSPORT_QUEUE_MAX, "and leaves room for others");
_Static_assert(PROC_MAX_CHILDREN <= 32u, "exited children fit a mask");

#define BEGIN_BYTES 9u     /* move id, pid, mode */
#define PAGE_HEADER 10u    /* move id, page word, offset */
#define IMAGE_BYTES 8u     /* move id, image length */
#define CHUNK_HEADER 8u    /* move id, offset */
#define INSTALLED_BYTES 8u /* move id, pid */
#define ABORT_BYTES 12u    /* move id, pid, error (ABORT and CANCEL) */
#define HANDOVER_HEADER 5u /* move id, kind; a late message adds its source pid */
#define HANDOVER_MESSAGE 9u
#define PAGE_PIECE_MAX (CLUSTER_PAYLOAD_MAX - PAGE_HEADER)
#define CHUNK_MAX (CLUSTER_PAYLOAD_MAX - CHUNK_HEADER)
_Static_assert(HANDOVER_MESSAGE + MSG_MAX_BYTES <= CLUSTER_PAYLOAD_MAX, "a late message fits one");

enum handover_kind { HANDOVER_LATE, HANDOVER_DONE };

enum out_phase {
    OUT_PRECOPY, /* sending the pages of the current round */
    OUT_DRAIN,   /* rounds done: freeze once the queue is short */
    OUT_IMAGE,   /* frozen: sending the image (built on the first pump) */
    OUT_WAIT,    /* all sent: waiting for INSTALLED */
    OUT_HANDOVER, /* held there: sending late messages, then HANDOVER_DONE */
};

struct move_out {
    uint32_t id; /* 0: slot free */
    uint32_t pid;
    uint16_t target;
    uint8_t mode; /* enum migrate_mode */
    uint8_t phase;
    bool begun;     /* BEGIN queued */
    bool announced; /* IMAGE queued */
    uint64_t freeze_ns, progress_ns;
    uint64_t retry_ns; /* pump again then (HAL_TIME_NEVER: on the next event) */
    uint64_t bytes, round_bytes;
    uint32_t round;
    uint32_t *set;     /* pre-copy: this round's pages; VM_DIRTY_WORDS words */
    uint32_t set_count;
    uint32_t vpn, piece_off; /* pre-copy: the next piece to send */
    uint8_t *image;
    uint32_t image_len, image_pages, sent;
    uint32_t mailbox_len;     /* messages that travelled in the image */
    uint32_t late_sent;       /* messages after those, handed over so far */
    uint32_t children_exited; /* bit i: child i had exited when imaged */
};

struct move_in {
    uint32_t id; /* the source's move id; 0: slot free */
    uint32_t pid;
    uint16_t source;
    uint8_t mode;
    uint64_t progress_ns;
    struct vm staged; /* pre-copied pages (pt NULL until the first) */
    uint8_t *image;
    uint32_t image_len, image_pages, received;
    struct proc *held; /* installed, arriving (not run, not found) until HANDOVER_DONE */
};

struct migrate_state {
    struct move_out out[MIGRATE_MAX_OUT];
    struct move_in in[MIGRATE_MAX_IN];
    uint32_t next_id;
};

static uint32_t pages_for(uint32_t bytes)
{
    return (bytes + PAGE_SIZE - 1u) / PAGE_SIZE;
}

static void trace_move(struct kernel *k, uint16_t type, uint32_t pid, uint16_t node, int32_t value,
                       uint64_t value64)
{
    struct hal_trace_event ev = {.type = type, .pid = pid, .value = value, .value2 = node, .value64 = value64};
    ktrace(k, &ev);
}

/* ---- the source side ---- */

static struct move_out *out_find_pid(struct kernel *k, uint32_t pid)
{
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++)
        if (k->migrate->out[i].id != 0 && k->migrate->out[i].pid == pid)
            return &k->migrate->out[i];
    return NULL;
}

static struct move_out *out_find(struct kernel *k, uint16_t target, uint32_t id)
{
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++)
        if (id != 0 && k->migrate->out[i].id == id && k->migrate->out[i].target == target)
            return &k->migrate->out[i];
    return NULL;
}

static struct move_out *out_free_slot(struct kernel *k)
{
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++)
        if (k->migrate->out[i].id == 0)
            return &k->migrate->out[i];
    return NULL;
}

/* Free what a move holds (not the process). */
static void out_release(struct kernel *k, struct move_out *m)
{
    if (m->image != NULL)
        kpage_free(k, m->image, m->image_pages);
    if (m->set != NULL)
        kfree(k, m->set, VM_DIRTY_WORDS * (uint32_t)sizeof(uint32_t));
    *m = (struct move_out){0};
}

/* Queue one message of a move, keeping within its share of the queue.
 * 0, ERR_BUSY (no room now: the next acknowledgement pumps again) or
 * another transport error. */
static int out_send(struct kernel *k, struct move_out *m, uint8_t type, const uint8_t *msg, uint32_t len)
{
    if (transport_queued(k, m->target) >= MIGRATE_QUEUE_CAP)
        return ERR_BUSY;
    int err = transport_send(k, m->target, type, msg, len);
    if (err == 0) {
        m->bytes += len;
        m->round_bytes += len;
        m->progress_ns = kernel_now(k);
        k->stats.migration_bytes += len; /* aborted moves' bytes count too */
    }
    return err;
}

static void send_abort(struct kernel *k, uint16_t node, uint8_t type, uint32_t id, uint32_t pid, int err)
{
    uint8_t msg[ABORT_BYTES];
    put_be32(msg, id);
    put_be32(msg + 4, pid);
    put_be32(msg + 8, (uint32_t)err);
    /* Best effort: a peer that misses it gives up at its stall deadline. */
    (void)transport_send(k, node, type, msg, ABORT_BYTES);
}

/* The move failed before the target installed the process: it runs on
 * here, unaffected. */
static void out_abort(struct kernel *k, struct move_out *m, int err, bool tell_target)
{
    struct proc *p = proc_find(k, m->pid);
    if (p != NULL) {
        vm_dirty_stop(&p->vm, k);
        proc_thaw(k, p);
    }
    trace_move(k, HAL_TRACE_MIGRATE_ABORT, m->pid, m->target, err, 0);
    k->stats.migrations_aborted++;
    if (tell_target && m->begun)
        send_abort(k, m->target, MSG_CANCEL, m->id, m->pid, err);
    out_release(k, m);
}

static int out_send_begin(struct kernel *k, struct move_out *m)
{
    uint8_t msg[BEGIN_BYTES];
    put_be32(msg, m->id);
    put_be32(msg + 4, m->pid);
    msg[8] = m->mode;
    int err = out_send(k, m, MSG_BEGIN, msg, BEGIN_BYTES);
    m->begun = err == 0;
    return err;
}

/* ---- pre-copy ---- */

static bool set_has(const uint32_t *set, uint32_t vpn)
{
    return (set[vpn >> 5] >> (vpn & 31u) & 1u) != 0;
}

static uint32_t count_bits(const uint32_t *set)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < VM_DIRTY_WORDS; i++)
        for (uint32_t w = set[i]; w != 0; w &= w - 1u)
            n++;
    return n;
}

/* The first page at or after vpn that this round sends. */
static uint32_t next_round_page(const struct move_out *m, const struct proc *p, uint32_t vpn)
{
    while (vpn < USER_PAGES && (!set_has(m->set, vpn) || vm_page_perms(&p->vm, vpn) < 0))
        vpn++;
    return vpn;
}

/* Send the next piece of the current page, read as it is now: a page
 * written after its round began is marked dirty and goes again, so a
 * torn copy never survives to the end. */
static int out_send_piece(struct kernel *k, struct move_out *m, const struct proc *p)
{
    int perms = vm_page_perms(&p->vm, m->vpn);
    if (perms < 0) { /* unmapped since the round began: the image says so */
        m->piece_off = 0;
        m->vpn++;
        return 0;
    }
    uint32_t n = PAGE_SIZE - m->piece_off < PAGE_PIECE_MAX ? PAGE_SIZE - m->piece_off : PAGE_PIECE_MAX;
    uint8_t msg[PAGE_HEADER + PAGE_PIECE_MAX];
    put_be32(msg, m->id);
    put_be32(msg + 4, (m->vpn << PAGE_SHIFT) | (uint32_t)perms);
    put_be16(msg + 8, (uint16_t)m->piece_off);
    vm_page_read(&p->vm, m->vpn, m->piece_off, n, msg + PAGE_HEADER);
    int err = out_send(k, m, MSG_PAGE, msg, PAGE_HEADER + n);
    if (err == 0 && (m->piece_off += n) == PAGE_SIZE) {
        m->piece_off = 0;
        m->vpn++;
    }
    return err;
}

/* A round is sent: start another with the pages dirtied meanwhile, or,
 * when few are left (or rounds stop paying off), move on to the freeze. */
static void out_end_round(struct kernel *k, struct move_out *m, struct proc *p)
{
    trace_move(k, HAL_TRACE_MIGRATE_ROUND, m->pid, m->target, (int32_t)m->round, m->round_bytes);
    uint32_t dirty = count_bits(p->vm.dirty);
    if (dirty <= MIGRATE_FEW_PAGES || m->round >= MIGRATE_MAX_ROUNDS || dirty >= m->set_count) {
        m->phase = OUT_DRAIN;
        return;
    }
    vm_dirty_take(&p->vm, m->set);
    m->set_count = dirty;
    m->round++;
    m->round_bytes = 0;
    m->vpn = 0;
}

static int out_precopy(struct kernel *k, struct move_out *m, struct proc *p)
{
    while (m->phase == OUT_PRECOPY) {
        if (m->piece_off == 0)
            m->vpn = next_round_page(m, p, m->vpn);
        if (m->vpn == USER_PAGES) {
            out_end_round(k, m, p);
            continue;
        }
        int err = out_send_piece(k, m, p);
        if (err != 0)
            return err;
    }
    return 0;
}

/* ---- the image ---- */

static uint32_t exited_mask(const struct proc *p)
{
    uint32_t mask = 0;
    for (uint32_t i = 0; i < p->child_count; i++)
        if (p->children[i].exited)
            mask |= 1u << i;
    return mask;
}

/* Image the frozen process, with the contents of the pages in
 * `with_data` (NULL: all). */
static int out_build_image(struct kernel *k, struct move_out *m, const struct proc *p, const uint32_t *with_data)
{
    int err = procimage_movable(p);
    if (err != 0)
        return err;
    uint32_t size = procimage_size(p, with_data);
    m->image = kpage_alloc(k, pages_for(size));
    if (m->image == NULL)
        return ERR_NO_MEMORY;
    m->image_pages = pages_for(size);
    m->image_len = size;
    procimage_encode(p, with_data, kernel_now(k), m->image);
    m->mailbox_len = p->mailbox_len;
    m->children_exited = exited_mask(p);
    return 0;
}

/* Pre-copy's last step: once what was sent has (nearly) drained, freeze
 * and image the process with only the pages dirtied since the last round.
 * A process in a remote send waits for the answer first. */
static int out_drain(struct kernel *k, struct move_out *m, struct proc *p)
{
    if (transport_queued(k, m->target) > MIGRATE_DRAIN_LEFT)
        return 0; /* the acknowledgements pump again */
    int err = procimage_movable(p);
    if (err == ERR_BUSY) {
        m->retry_ns = kernel_now(k) + MIGRATE_RETRY_NS;
        return 0;
    }
    if (err != 0)
        return err;
    proc_freeze(k, p);
    m->freeze_ns = kernel_now(k);
    m->round_bytes = 0;
    vm_dirty_take(&p->vm, m->set);
    vm_dirty_stop(&p->vm, k);
    m->phase = OUT_IMAGE;
    return out_build_image(k, m, p, m->set);
}

static int out_send_image(struct kernel *k, struct move_out *m, const struct proc *p)
{
    if (m->image == NULL) { /* stop-and-copy: imaged on the first pump after the freeze */
        int err = out_build_image(k, m, p, NULL);
        if (err != 0)
            return err;
    }
    uint8_t msg[CHUNK_HEADER + CHUNK_MAX];
    put_be32(msg, m->id);
    if (!m->announced) {
        put_be32(msg + 4, m->image_len);
        int err = out_send(k, m, MSG_IMAGE, msg, IMAGE_BYTES);
        if (err != 0)
            return err;
        m->announced = true;
    }
    while (m->sent < m->image_len) {
        uint32_t n = m->image_len - m->sent < CHUNK_MAX ? m->image_len - m->sent : CHUNK_MAX;
        put_be32(msg + 4, m->sent);
        kmemcpy(msg + CHUNK_HEADER, m->image + m->sent, n);
        int err = out_send(k, m, MSG_CHUNK, msg, CHUNK_HEADER + n);
        if (err != 0)
            return err;
        m->sent += n;
    }
    kpage_free(k, m->image, m->image_pages);
    m->image = NULL;
    m->phase = OUT_WAIT;
    if (m->mode == MIGRATE_PRE_COPY) /* the last round: the frozen one */
        trace_move(k, HAL_TRACE_MIGRATE_ROUND, m->pid, m->target, (int32_t)m->round + 1, m->round_bytes);
    return 0;
}

/* ---- the end of a move ---- */

/* The target took over: trace, count and let go of the frozen copy (its
 * mailbox went over already). Children that exited after the image was
 * taken are reported again, now that the pid leads to the target. */
static void out_finish(struct kernel *k, struct move_out *m, struct proc *p)
{
    uint32_t child[PROC_MAX_CHILDREN], n = 0;
    int32_t status[PROC_MAX_CHILDREN];
    for (uint32_t i = 0; i < p->child_count; i++) {
        if (p->children[i].exited && (m->children_exited >> i & 1u) == 0) {
            child[n] = p->children[i].pid;
            status[n++] = p->children[i].status;
        }
    }
    uint64_t freeze_us = (kernel_now(k) - m->freeze_ns) / 1000u;
    trace_move(k, HAL_TRACE_MIGRATE_DONE, m->pid, m->target, (int32_t)freeze_us, m->bytes);
    k->stats.migrations_out++;
    uint32_t pid = p->pid;
    location_on_departure(k, p, m->target);
    proc_discard(k, p);
    for (uint32_t i = 0; i < n; i++)
        ipc_send_child_exit(k, pid, child[i], status[i]);
    out_release(k, m);
}

/* A late message went on to the target: traced and counted as ipc.c
 * does for the messages it forwards. */
static void trace_forward(struct kernel *k, uint32_t pid, uint32_t src, uint16_t target)
{
    struct hal_trace_event ev = {.type = HAL_TRACE_FORWARD, .pid = pid, .other_pid = src, .value2 = target};
    ktrace(k, &ev);
    k->stats.forwarded++;
}

static int out_send_handover(struct kernel *k, struct move_out *m, uint8_t kind, const struct message *late)
{
    uint8_t msg[HANDOVER_MESSAGE + MSG_MAX_BYTES];
    put_be32(msg, m->id);
    msg[4] = kind;
    if (late == NULL)
        return out_send(k, m, MSG_HANDOVER, msg, HANDOVER_HEADER);
    put_be32(msg + HANDOVER_HEADER, late->src_pid);
    if (late->len > 0)
        kmemcpy(msg + HANDOVER_MESSAGE, late->data, late->len);
    return out_send(k, m, MSG_HANDOVER, msg, HANDOVER_MESSAGE + late->len);
}

/* The target holds the process without running it. Send on, in order,
 * what reached the frozen mailbox after the image was taken (more may
 * arrive meanwhile: the process is still found here), then tell the
 * target to run it. Until that last message is queued the move can still
 * fail and the process thaw here: the target never ran its copy. */
static int out_handover(struct kernel *k, struct move_out *m, struct proc *p)
{
    while (m->mailbox_len + m->late_sent < p->mailbox_len) {
        uint32_t at = (p->mailbox_head + m->mailbox_len + m->late_sent) % MAILBOX_CAPACITY;
        int err = out_send_handover(k, m, HANDOVER_LATE, &p->mailbox[at]);
        if (err != 0)
            return err;
        m->late_sent++;
        trace_forward(k, p->pid, p->mailbox[at].src_pid, m->target);
    }
    int err = out_send_handover(k, m, HANDOVER_DONE, NULL);
    if (err == 0)
        out_finish(k, m, p);
    return err;
}

/* ---- driving a move ---- */

static int out_step(struct kernel *k, struct move_out *m, struct proc *p)
{
    int err = m->begun ? 0 : out_send_begin(k, m);
    if (err == 0 && m->phase == OUT_PRECOPY)
        err = out_precopy(k, m, p);
    if (err == 0 && m->phase == OUT_DRAIN)
        err = out_drain(k, m, p);
    if (err == 0 && m->phase == OUT_IMAGE)
        err = out_send_image(k, m, p);
    if (err == 0 && m->phase == OUT_HANDOVER)
        err = out_handover(k, m, p); /* may finish the move */
    return err;
}

static void out_pump(struct kernel *k, struct move_out *m)
{
    struct proc *p = proc_find(k, m->pid);
    m->retry_ns = HAL_TIME_NEVER;
    if (p == NULL) { /* it exited while its pages were copied */
        out_abort(k, m, ERR_NO_PROCESS, true);
        return;
    }
    int err = out_step(k, m, p);
    if (err == ERR_NO_MEMORY && m->phase == OUT_HANDOVER)
        m->retry_ns = kernel_now(k) + MIGRATE_RETRY_NS; /* the transport's buffers */
    else if (err != 0 && err != ERR_BUSY)
        out_abort(k, m, err, true);
}

/* The target holds the process: hand it over now. */
static void out_on_installed(struct kernel *k, struct move_out *m, uint32_t pid)
{
    if (m->phase != OUT_WAIT || pid != m->pid) {
        k->stats.frames_bad++;
        return;
    }
    m->phase = OUT_HANDOVER;
    m->progress_ns = kernel_now(k);
    out_pump(k, m);
}

static int out_prepare_precopy(struct kernel *k, struct move_out *m, struct proc *p)
{
    m->set = kalloc(k, VM_DIRTY_WORDS * (uint32_t)sizeof(uint32_t));
    if (m->set == NULL || vm_dirty_start(&p->vm, k) != 0)
        return ERR_NO_MEMORY;
    for (uint32_t vpn = 0; vpn < USER_PAGES; vpn++)
        if (vm_page_perms(&p->vm, vpn) >= 0)
            m->set[vpn >> 5] |= 1u << (vpn & 31u);
    m->set_count = count_bits(m->set);
    m->round = 1;
    m->phase = OUT_PRECOPY;
    return 0;
}

static uint32_t next_move_id(struct kernel *k)
{
    if (++k->migrate->next_id == 0)
        k->migrate->next_id = 1;
    return k->migrate->next_id;
}

int migrate_start(struct kernel *k, struct proc *p, uint16_t target)
{
    int err = procimage_movable(p);
    if (err != 0)
        return err;
    if (target == k->node_id || target >= k->node_count)
        return ERR_INVALID;
    struct move_out *m = out_free_slot(k);
    if (p->frozen || out_find_pid(k, p->pid) != NULL || m == NULL)
        return ERR_BUSY;
    uint64_t now = kernel_now(k);
    /* The first step runs from the timer, at once but after the system
     * call that asked for the move (if any) has completed: the image then
     * holds its result. */
    *m = (struct move_out){.pid = p->pid, .target = target, .mode = k->migrate_mode,
                           .progress_ns = now, .retry_ns = now};
    if (m->mode == MIGRATE_PRE_COPY && (err = out_prepare_precopy(k, m, p)) != 0) {
        vm_dirty_stop(&p->vm, k);
        out_release(k, m);
        return err;
    }
    if (m->mode != MIGRATE_PRE_COPY) {
        m->mode = MIGRATE_STOP_AND_COPY;
        m->phase = OUT_IMAGE;
        m->freeze_ns = now;
        proc_freeze(k, p);
    }
    m->id = next_move_id(k);
    trace_move(k, HAL_TRACE_MIGRATE_START, p->pid, target, 0, 0);
    return 0;
}

/* ---- the target side ---- */

static struct move_in *in_find(struct kernel *k, uint16_t source, uint32_t id)
{
    for (uint32_t i = 0; i < MIGRATE_MAX_IN; i++)
        if (id != 0 && k->migrate->in[i].id == id && k->migrate->in[i].source == source)
            return &k->migrate->in[i];
    return NULL;
}

/* Free what a move holds. A held process is not the move's to free:
 * in_drop gives it up; on a node going away proc_destroy_all has. */
static void in_release(struct kernel *k, struct move_in *m)
{
    if (m->image != NULL)
        kpage_free(k, m->image, m->image_pages);
    if (m->staged.pt != NULL)
        vm_destroy(&m->staged, k);
    *m = (struct move_in){0};
}

/* The move failed here or at the source: a copy held here never ran,
 * so it simply goes. */
static void in_drop(struct kernel *k, struct move_in *m)
{
    if (m->held != NULL)
        proc_discard(k, m->held);
    in_release(k, m);
}

static void in_abort(struct kernel *k, struct move_in *m, int err)
{
    send_abort(k, m->source, MSG_ABORT, m->id, m->pid, err);
    in_drop(k, m);
}

/* Whether a move of pid may begin here: a free slot, room in the process
 * table (counting moves under way) and no other copy of pid. */
static int in_admit(struct kernel *k, uint32_t pid, struct move_in **slot)
{
    uint32_t incoming = 0;
    *slot = NULL;
    for (uint32_t i = 0; i < MIGRATE_MAX_IN; i++) {
        struct move_in *m = &k->migrate->in[i];
        if (m->id == 0 && *slot == NULL)
            *slot = m;
        if (m->id != 0 && m->pid == pid)
            return ERR_BUSY;
        incoming += m->id != 0 && m->held == NULL; /* held ones have their slot */
    }
    if (proc_find(k, pid) != NULL)
        return ERR_BUSY;
    if (*slot == NULL || k->proc_count + incoming >= KERNEL_MAX_PROCS)
        return ERR_LIMIT;
    return 0;
}

static void in_on_begin(struct kernel *k, uint16_t source, const uint8_t *msg, uint32_t len)
{
    if (len != BEGIN_BYTES) {
        k->stats.frames_bad++;
        return;
    }
    uint32_t id = get_be32(msg), pid = get_be32(msg + 4);
    if (id == 0 || ABI_PID_LOCAL(pid) == 0 || msg[8] > MIGRATE_PRE_COPY || in_find(k, source, id) != NULL) {
        k->stats.frames_bad++;
        return;
    }
    struct move_in *m;
    int err = in_admit(k, pid, &m);
    if (err != 0) {
        send_abort(k, source, MSG_ABORT, id, pid, err);
        return;
    }
    *m = (struct move_in){.id = id, .pid = pid, .source = source, .mode = msg[8], .progress_ns = kernel_now(k)};
}

/* A piece of a pre-copied page: kept in the staging address space until
 * the image says which pages the process has. */
static int in_stage_piece(struct kernel *k, struct move_in *m, const uint8_t *msg, uint32_t len)
{
    uint32_t word = get_be32(msg + 4), off = get_be16(msg + 8), n = len - PAGE_HEADER;
    uint32_t va = word & ~PROCIMAGE_PAGE_FLAGS, perms = word & PROCIMAGE_PAGE_FLAGS;
    if (m->mode != MIGRATE_PRE_COPY || m->image != NULL || m->held != NULL || perms > VM_PERM_MASK ||
        va < ABI_USER_BASE ||
        va >= ABI_USER_TOP || n == 0 || off + n > PAGE_SIZE)
        return ERR_PROTOCOL;
    if (m->staged.pt == NULL && vm_init(&m->staged, k) != 0)
        return ERR_NO_MEMORY;
    if (vm_map(&m->staged, k, va, PAGE_SIZE, perms) != 0)
        return ERR_NO_MEMORY;
    return vm_write_image(&m->staged, va + off, msg + PAGE_HEADER, n);
}

static int in_open_image(struct kernel *k, struct move_in *m, const uint8_t *msg, uint32_t len)
{
    if (len != IMAGE_BYTES || m->image != NULL || m->held != NULL)
        return ERR_PROTOCOL;
    uint32_t size = get_be32(msg + 4);
    if (size < PROCIMAGE_MIN_BYTES || size > PROCIMAGE_MAX_BYTES)
        return ERR_BAD_IMAGE;
    m->image = kpage_alloc(k, pages_for(size));
    if (m->image == NULL)
        return ERR_NO_MEMORY;
    m->image_pages = pages_for(size);
    m->image_len = size;
    return 0;
}

static int in_send_installed(struct kernel *k, const struct move_in *m)
{
    uint8_t msg[INSTALLED_BYTES];
    put_be32(msg, m->id);
    put_be32(msg + 4, m->pid);
    return transport_send(k, m->source, MSG_INSTALLED, msg, INSTALLED_BYTES);
}

/* Whether the decoded process may join this node's table. */
static int in_can_adopt(struct kernel *k, const struct move_in *m, const struct proc *p)
{
    if (p->pid != m->pid)
        return ERR_BAD_IMAGE;
    if (proc_find(k, p->pid) != NULL)
        return ERR_BUSY;
    return k->proc_count < KERNEL_MAX_PROCS ? 0 : ERR_LIMIT;
}

/* The whole image is here: decode it over the staged pages, and hold the
 * process in a slot of its own, frozen and not found by pid, until the
 * source hands over what reached its mailbox meanwhile. INSTALLED is
 * queued first, so a move that fails here leaves nothing behind; adopting
 * cannot fail after it (a slot is free and nothing ran since). */
static int in_install(struct kernel *k, struct move_in *m)
{
    struct proc *p;
    int err = procimage_decode(k, m->image, m->image_len, &m->staged, kernel_now(k), &p);
    kpage_free(k, m->image, m->image_pages);
    m->image = NULL;
    if (err != 0)
        return err;
    err = in_can_adopt(k, m, p);
    if (err == 0)
        err = in_send_installed(k, m);
    if (err != 0) {
        procimage_free(k, p);
        return err;
    }
    p->arriving = true;
    (void)proc_adopt(k, p);
    proc_freeze(k, p);
    m->held = p;
    return 0;
}

/* A message that reached the source's frozen mailbox after the image was
 * taken: it goes after the image's messages (the mailbox cannot overflow:
 * together they fitted the source's). */
static int in_take_late(struct kernel *k, struct proc *p, const uint8_t *msg, uint32_t len)
{
    uint32_t n = len - HANDOVER_MESSAGE;
    if (len < HANDOVER_MESSAGE || n > MSG_MAX_BYTES || p->mailbox_len == MAILBOX_CAPACITY)
        return ERR_PROTOCOL;
    struct message *late = &p->mailbox[(p->mailbox_head + p->mailbox_len) % MAILBOX_CAPACITY];
    uint8_t *data = NULL;
    if (n > 0 && (data = kalloc(k, n)) == NULL)
        return ERR_NO_MEMORY;
    if (n > 0)
        kmemcpy(data, msg + HANDOVER_MESSAGE, n);
    *late = (struct message){.src_pid = get_be32(msg + HANDOVER_HEADER), .len = n, .data = data};
    p->mailbox_len++;
    if (p->wait == WAIT_RECV)
        proc_wake(k, p); /* queued when it thaws */
    return 0;
}

/* The source let go: the process is found here and runs from now on. */
static void in_run(struct kernel *k, struct move_in *m)
{
    struct proc *p = m->held;
    p->arriving = false;
    proc_thaw(k, p);
    location_on_arrival(k, p, m->source);
    trace_move(k, HAL_TRACE_MIGRATE_INSTALL, p->pid, m->source, 0, 0);
    k->stats.migrations_in++;
    in_release(k, m);
}

static int in_on_handover(struct kernel *k, struct move_in *m, const uint8_t *msg, uint32_t len)
{
    if (m->held == NULL || len < HANDOVER_HEADER || msg[4] > HANDOVER_DONE)
        return ERR_PROTOCOL;
    if (msg[4] == HANDOVER_LATE)
        return in_take_late(k, m->held, msg, len);
    if (len != HANDOVER_HEADER)
        return ERR_PROTOCOL;
    in_run(k, m);
    return 0;
}

static int in_take_chunk(struct kernel *k, struct move_in *m, const uint8_t *msg, uint32_t len)
{
    uint32_t off = get_be32(msg + 4), n = len - CHUNK_HEADER;
    if (m->held != NULL || m->image == NULL || off != m->received || n == 0 || n > m->image_len - m->received)
        return ERR_PROTOCOL;
    kmemcpy(m->image + off, msg + CHUNK_HEADER, n);
    m->received += n;
    return m->received == m->image_len ? in_install(k, m) : 0;
}

/* PAGE, IMAGE, CHUNK and HANDOVER of a move under way; anything for a
 * move that is no longer here (it failed) is ignored. */
static void in_on_data(struct kernel *k, uint16_t source, uint8_t type, const uint8_t *msg, uint32_t len)
{
    struct move_in *m = in_find(k, source, get_be32(msg));
    if (m == NULL)
        return;
    m->progress_ns = kernel_now(k);
    int err = ERR_PROTOCOL;
    if (type == MSG_PAGE && len > PAGE_HEADER)
        err = in_stage_piece(k, m, msg, len);
    else if (type == MSG_IMAGE)
        err = in_open_image(k, m, msg, len);
    else if (type == MSG_CHUNK && len > CHUNK_HEADER)
        err = in_take_chunk(k, m, msg, len);
    else if (type == MSG_HANDOVER)
        err = in_on_handover(k, m, msg, len);
    if (err != 0) {
        if (err == ERR_PROTOCOL)
            k->stats.frames_bad++;
        in_abort(k, m, err);
    }
}

/* ---- messages, timers, resets ---- */

static void on_installed(struct kernel *k, uint16_t node, const uint8_t *msg, uint32_t len)
{
    struct move_out *m = len == INSTALLED_BYTES ? out_find(k, node, get_be32(msg)) : NULL;
    if (len != INSTALLED_BYTES)
        k->stats.frames_bad++;
    if (m != NULL)
        out_on_installed(k, m, get_be32(msg + 4));
    /* An answer to a move that already failed here finds nothing: that
     * can only follow a stall of MIGRATE_STALL_NS (docs/protocol.md). */
}

static int abort_error(const uint8_t *msg, uint32_t len)
{
    int32_t err = len == ABORT_BYTES ? (int32_t)get_be32(msg + 8) : 0;
    return err < 0 && err >= ERR_MIN ? err : 0;
}

static void on_abort(struct kernel *k, uint16_t node, uint8_t type, const uint8_t *msg, uint32_t len)
{
    int err = abort_error(msg, len);
    if (err == 0) {
        k->stats.frames_bad++;
        return;
    }
    if (type == MSG_ABORT) {
        struct move_out *m = out_find(k, node, get_be32(msg));
        if (m != NULL)
            out_abort(k, m, err, false);
        return;
    }
    struct move_in *m = in_find(k, node, get_be32(msg));
    if (m != NULL)
        in_drop(k, m);
}

void migrate_on_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                        uint32_t len)
{
    if (k->migrate == NULL || len < 4) {
        k->stats.frames_bad++;
        return;
    }
    switch (type) {
    case MSG_BEGIN: in_on_begin(k, src_node, payload, len); break;
    case MSG_PAGE:
    case MSG_IMAGE:
    case MSG_CHUNK:
    case MSG_HANDOVER: in_on_data(k, src_node, type, payload, len); break;
    case MSG_INSTALLED: on_installed(k, src_node, payload, len); break;
    case MSG_ABORT:
    case MSG_CANCEL: on_abort(k, src_node, type, payload, len); break;
    default: k->stats.frames_bad++; break;
    }
}

static bool stalled(uint64_t progress_ns, uint64_t now)
{
    return now >= progress_ns && now - progress_ns >= MIGRATE_STALL_NS;
}

void migrate_on_timer(struct kernel *k)
{
    if (k->migrate == NULL)
        return;
    uint64_t now = kernel_now(k);
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++) {
        struct move_out *m = &k->migrate->out[i];
        if (m->id != 0 && stalled(m->progress_ns, now))
            out_abort(k, m, ERR_TIMEOUT, true);
        else if (m->id != 0)
            out_pump(k, m);
    }
    for (uint32_t i = 0; i < MIGRATE_MAX_IN; i++) {
        struct move_in *m = &k->migrate->in[i];
        if (m->id != 0 && stalled(m->progress_ns, now))
            in_abort(k, m, ERR_TIMEOUT);
    }
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

uint64_t migrate_next_deadline(const struct kernel *k)
{
    uint64_t next = HAL_TIME_NEVER;
    if (k->migrate == NULL)
        return next;
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++) {
        const struct move_out *m = &k->migrate->out[i];
        if (m->id != 0)
            next = earliest(next, earliest(m->retry_ns, m->progress_ns + MIGRATE_STALL_NS));
    }
    for (uint32_t i = 0; i < MIGRATE_MAX_IN; i++) {
        const struct move_in *m = &k->migrate->in[i];
        if (m->id != 0)
            next = earliest(next, m->progress_ns + MIGRATE_STALL_NS);
    }
    return next;
}

void migrate_on_peer_reset(struct kernel *k, uint16_t node)
{
    if (k->migrate == NULL)
        return;
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++) {
        struct move_out *m = &k->migrate->out[i];
        if (m->id != 0 && m->target == node)
            out_abort(k, m, ERR_UNREACHABLE, false);
    }
    for (uint32_t i = 0; i < MIGRATE_MAX_IN; i++)
        if (k->migrate->in[i].id != 0 && k->migrate->in[i].source == node)
            in_drop(k, &k->migrate->in[i]);
}

int migrate_init(struct kernel *k)
{
    k->migrate = kalloc(k, sizeof *k->migrate);
    return k->migrate == NULL ? ERR_NO_MEMORY : 0;
}

void migrate_destroy(struct kernel *k)
{
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++)
        out_release(k, &k->migrate->out[i]);
    for (uint32_t i = 0; i < MIGRATE_MAX_IN; i++)
        in_release(k, &k->migrate->in[i]);
    kfree(k, k->migrate, sizeof *k->migrate);
    k->migrate = NULL;
}
