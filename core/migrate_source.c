/*
 * migrate_source.c - the source of a move: migrate_start, then BEGIN, the
 * pre-copy rounds, the freeze and the image, and once the target holds
 * the process, the handover of its late messages and HANDOVER DONE.
 * Pre-copy sends a hot page (one that goes more than once) as the ranges
 * that changed since it last went (migrate_shadow.c), and ends its rounds
 * when they stop shrinking.
 * Sending goes as far as the transport has room, and resumes when
 * migrate.c pumps the move again (the protocol: migrate_priv.h).
 */
#include "migrate.h"
#include "migrate_priv.h"

#include "bytes.h"
#include "exit_notice.h"
#include "ipc.h"
#include "kassert.h"
#include "kernel_priv.h"
#include "location.h"
#include "proc.h"
#include "procimage.h"
#include "transport.h"

static struct move_out *out_find_pid(struct kernel *k, uint32_t pid)
{
    for (uint32_t i = 0; i < MIGRATE_MAX_OUT; i++)
        if (k->migrate->out[i].id != 0 && k->migrate->out[i].pid == pid)
            return &k->migrate->out[i];
    return NULL;
}

struct move_out *migrate_out_find(struct kernel *k, uint16_t target, uint32_t id)
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
void migrate_out_release(struct kernel *k, struct move_out *m)
{
    if (m->image != NULL)
        kpage_free(k, m->image, m->image_pages);
    if (m->set != NULL)
        kfree(k, m->set, VM_DIRTY_WORDS * (uint32_t)sizeof(uint32_t));
    migrate_shadow_release(k, m);
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

/* The move failed before the target installed the process: it runs on
 * here, unaffected. */
void migrate_out_abort(struct kernel *k, struct move_out *m, int err, bool tell_target)
{
    struct proc *p = proc_find(k, m->pid);
    if (p != NULL) {
        vm_dirty_stop(&p->vm, k);
        proc_thaw(k, p);
        /* Losses told while the target was to hear of them again: they stay here. */
        for (uint32_t i = 0; m->imaged && i < p->child_count; i++)
            if (p->children[i].exited && (m->children_exited >> i & 1u) == 0 &&
                p->children[i].status == ABI_STATUS_LOST)
                proc_trace_child_lost(k, p, i);
    }
    trace_move(k, HAL_TRACE_MIGRATE_ABORT, m->pid, m->target, err, 0);
    k->stats.migrations_aborted++;
    if (tell_target && m->begun)
        migrate_send_abort(k, m->target, MSG_CANCEL, m->id, m->pid, err);
    migrate_out_release(k, m);
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

/* ---- the image (built once the process is frozen) ---- */

_Static_assert(PROC_MAX_CHILDREN <= 32u, "exited children fit a mask");

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
    m->imaged = true;
    return 0;
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

static void out_next_page(struct move_out *m)
{
    m->piece_off = 0;
    m->vpn++;
}

/* The target's copy of the current page, if the source keeps one: a page
 * that goes after round 1 gets one as its first piece goes, room
 * permitting. */
static struct migrate_shadow *out_page_shadow(struct kernel *k, struct move_out *m)
{
    struct migrate_shadow *s = migrate_shadow_find(m, m->vpn);
    if (s == NULL && m->piece_off == 0 && m->round > 1 && m->phase == OUT_PRECOPY)
        s = migrate_shadow_add(k, m, m->vpn);
    return s;
}

/* Send the next piece of the current page, read as it is now: the whole
 * page in order, or for a page whose copy at the target is kept, the next
 * range that differs from it. A page written after its round began is
 * marked dirty and goes again, so a torn copy never survives to the end. */
static int out_send_piece(struct kernel *k, struct move_out *m, const struct proc *p)
{
    int perms = vm_page_perms(&p->vm, m->vpn);
    if (perms < 0) { /* unmapped since the round began: the image says so */
        out_next_page(m);
        return 0;
    }
    struct migrate_shadow *s = out_page_shadow(k, m);
    uint32_t off = m->piece_off, n = PAGE_SIZE - off < PAGE_PIECE_MAX ? PAGE_SIZE - off : PAGE_PIECE_MAX;
    if (s != NULL && s->whole) {
        off = vm_page_next_change(&p->vm, m->vpn, s->data, off, MIGRATE_DELTA_GAP, PAGE_PIECE_MAX, &n);
        if (n == 0) {
            out_next_page(m);
            return 0;
        }
    }
    uint8_t msg[PAGE_HEADER + PAGE_PIECE_MAX];
    put_be32(msg, m->id);
    put_be32(msg + 4, (m->vpn << PAGE_SHIFT) | (uint32_t)perms);
    put_be16(msg + 8, (uint16_t)off);
    vm_page_read(&p->vm, m->vpn, off, n, msg + PAGE_HEADER);
    int err = out_send(k, m, MSG_PAGE, msg, PAGE_HEADER + n);
    if (err != 0)
        return err;
    if (s != NULL)
        kmemcpy(s->data + off, msg + PAGE_HEADER, n);
    m->piece_off = off + n;
    if (m->piece_off == PAGE_SIZE) {
        if (s != NULL)
            s->whole = true;
        out_next_page(m);
    }
    return 0;
}

/* Move m to phase `next`. The phases only go forward: PRECOPY (rounds,
 * repeated) -> DRAIN -> FROZEN -> IMAGE -> WAIT -> HANDOVER; a
 * stop-and-copy move starts at IMAGE. */
static void out_set_phase(struct kernel *k, struct move_out *m, enum out_phase next)
{
    static const uint8_t allowed[] = {
        [OUT_PRECOPY] = 1u << OUT_PRECOPY | 1u << OUT_DRAIN,
        [OUT_DRAIN] = 1u << OUT_FROZEN,
        [OUT_FROZEN] = 1u << OUT_IMAGE,
        [OUT_IMAGE] = 1u << OUT_WAIT,
        [OUT_WAIT] = 1u << OUT_HANDOVER,
        [OUT_HANDOVER] = 0,
    };
    bool starting = m->id == 0; /* not yet numbered: migrate_start */
    KASSERT(k, starting || (m->phase <= OUT_HANDOVER && (allowed[m->phase] >> next & 1u) != 0));
    m->phase = (uint8_t)next;
}

/* A round is sent: start another with the pages dirtied meanwhile, or,
 * when few are left, after the last round allowed, or once a round sent
 * about as much as the one before (the process dirties memory as fast as
 * it goes: more rounds would not shrink what the freeze carries), move on
 * to the freeze. */
static void out_end_round(struct kernel *k, struct move_out *m, struct proc *p)
{
    trace_move(k, HAL_TRACE_MIGRATE_ROUND, m->pid, m->target, (int32_t)m->round, m->round_bytes);
    bool settled = m->round > 1 && m->round_bytes * 100u > m->last_round_bytes * MIGRATE_SETTLED_PERCENT;
    if (count_bits(p->vm.dirty) <= MIGRATE_FEW_PAGES || m->round >= MIGRATE_MAX_ROUNDS || settled) {
        out_set_phase(k, m, OUT_DRAIN);
        return;
    }
    vm_dirty_take(&p->vm, m->set);
    m->last_round_bytes = m->round_bytes;
    m->round++;
    m->round_bytes = 0;
    m->vpn = 0;
}

/* The frozen round is sent: every page at the target is now as here, so
 * the image carries none, only their CRC-32s. */
static int out_end_frozen_round(struct kernel *k, struct move_out *m, const struct proc *p)
{
    kmemset(m->set, 0, VM_DIRTY_WORDS * (uint32_t)sizeof(uint32_t));
    out_set_phase(k, m, OUT_IMAGE);
    return out_build_image(k, m, p, m->set);
}

/* Send the pages of the current round (PRECOPY or FROZEN) as far as the
 * transport takes them, and end the round once they are all sent. */
static int out_send_round(struct kernel *k, struct move_out *m, struct proc *p)
{
    uint8_t phase = m->phase;
    while (m->phase == phase) {
        if (m->piece_off == 0)
            m->vpn = next_round_page(m, p, m->vpn);
        int err = 0;
        if (m->vpn < USER_PAGES)
            err = out_send_piece(k, m, p);
        else if (phase == OUT_PRECOPY)
            out_end_round(k, m, p);
        else
            err = out_end_frozen_round(k, m, p);
        if (err != 0)
            return err;
    }
    return 0;
}

/* Pre-copy's last step: once what was sent has (nearly) drained, freeze
 * the process; the frozen round then sends the pages dirtied since the
 * last round, and the image follows. A process in a remote send waits for
 * the answer first. */
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
    m->vpn = 0;
    m->piece_off = 0;
    out_set_phase(k, m, OUT_FROZEN);
    return 0;
}

/* ---- the image ---- */

static int out_send_image(struct kernel *k, struct move_out *m, const struct proc *p)
{
    KASSERT_MSG(k, p->frozen, "imaging a process that still runs");
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
    out_set_phase(k, m, OUT_WAIT);
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
    migrate_handed_add(k, p, m->target);
    location_on_departure(k, p, m->target);
    proc_discard(k, p);
    for (uint32_t i = 0; i < n; i++)
        exit_notice_send(k, pid, child[i], status[i]);
    migrate_out_release(k, m);
}

bool migrate_image_taken(struct kernel *k, uint32_t pid)
{
    const struct move_out *m = k->migrate != NULL ? out_find_pid(k, pid) : NULL;
    return m != NULL && m->imaged;
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
        err = out_send_round(k, m, p);
    if (err == 0 && m->phase == OUT_DRAIN)
        err = out_drain(k, m, p);
    if (err == 0 && m->phase == OUT_FROZEN)
        err = out_send_round(k, m, p);
    if (err == 0 && m->phase == OUT_IMAGE)
        err = out_send_image(k, m, p);
    if (err == 0 && m->phase == OUT_HANDOVER)
        err = out_handover(k, m, p); /* may finish the move */
    return err;
}

void migrate_out_pump(struct kernel *k, struct move_out *m)
{
    struct proc *p = proc_find(k, m->pid);
    m->retry_ns = HAL_TIME_NEVER;
    if (p == NULL) { /* not reached: migrate_on_exit ends a move before its process goes */
        migrate_out_abort(k, m, ERR_NO_PROCESS, true);
        return;
    }
    int err = out_step(k, m, p);
    if (err == ERR_NO_MEMORY && m->phase == OUT_HANDOVER)
        m->retry_ns = kernel_now(k) + MIGRATE_RETRY_NS; /* the transport's buffers */
    else if (err != 0 && err != ERR_BUSY)
        migrate_out_abort(k, m, err, true);
}

void migrate_on_exit(struct kernel *k, uint32_t pid)
{
    struct move_out *m = k->migrate != NULL ? out_find_pid(k, pid) : NULL;
    if (m != NULL)
        migrate_out_abort(k, m, ERR_NO_PROCESS, true);
}

/* The target holds the process: hand it over now, unless the answer came
 * too late to be sure the target still holds it (MIGRATE_COMMIT_WINDOW_NS). */
void migrate_out_on_installed(struct kernel *k, struct move_out *m, uint32_t pid)
{
    if (m->phase != OUT_WAIT || pid != m->pid) {
        k->stats.frames_bad++;
        return;
    }
    uint64_t now = kernel_now(k);
    if (now - m->progress_ns >= MIGRATE_COMMIT_WINDOW_NS) {
        migrate_out_abort(k, m, ERR_TIMEOUT, true);
        return;
    }
    out_set_phase(k, m, OUT_HANDOVER);
    m->progress_ns = now;
    migrate_out_pump(k, m);
}

static int out_prepare_precopy(struct kernel *k, struct move_out *m, struct proc *p)
{
    m->set = kalloc(k, VM_DIRTY_WORDS * (uint32_t)sizeof(uint32_t));
    if (m->set == NULL || vm_dirty_start(&p->vm, k) != 0)
        return ERR_NO_MEMORY;
    for (uint32_t vpn = 0; vpn < USER_PAGES; vpn++)
        if (vm_page_perms(&p->vm, vpn) >= 0)
            m->set[vpn >> 5] |= 1u << (vpn & 31u);
    m->round = 1;
    out_set_phase(k, m, OUT_PRECOPY);
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
    if (migrate_state_get(k) == NULL)
        return ERR_NO_MEMORY;
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
        migrate_out_release(k, m);
        return err;
    }
    if (m->mode != MIGRATE_PRE_COPY) {
        m->mode = MIGRATE_STOP_AND_COPY;
        out_set_phase(k, m, OUT_IMAGE);
        m->freeze_ns = now;
        proc_freeze(k, p);
    }
    m->id = next_move_id(k);
    trace_move(k, HAL_TRACE_MIGRATE_START, p->pid, target, 0, 0);
    return 0;
}
