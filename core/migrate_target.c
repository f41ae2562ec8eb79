/*
 * migrate_target.c - the target of a move: admits it, stages pre-copied
 * pages, buffers and decodes the image, answers INSTALLED and holds the
 * process frozen and unseen until HANDOVER DONE, when it runs here. A
 * failure drops the copy, which never ran (the protocol: migrate_priv.h).
 */
#include "migrate_priv.h"

#include "bytes.h"
#include "kernel_priv.h"
#include "location.h"
#include "proc.h"
#include "procimage.h"
#include "transport.h"

struct move_in *migrate_in_find(struct kernel *k, uint16_t source, uint32_t id)
{
    for (uint32_t i = 0; i < MIGRATE_MAX_IN; i++)
        if (id != 0 && k->migrate->in[i].id == id && k->migrate->in[i].source == source)
            return &k->migrate->in[i];
    return NULL;
}

/* Free what a move holds. A held process is not the move's to free:
 * migrate_in_drop gives it up; on a node going away proc_destroy_all has. */
void migrate_in_release(struct kernel *k, struct move_in *m)
{
    if (m->image != NULL)
        kpage_free(k, m->image, m->image_pages);
    vm_destroy(&m->staged, k);
    *m = (struct move_in){0};
}

/* The move failed here or at the source: a copy held here never ran,
 * so it simply goes. */
void migrate_in_drop(struct kernel *k, struct move_in *m)
{
    if (m->held != NULL)
        proc_discard(k, m->held);
    migrate_in_release(k, m);
}

/* Give the move up without word from the source: its session reset (it
 * restarted, or was declared unreachable), or it gave up messages sent
 * here (it declared this node unreachable). A held copy may then be the
 * only one left: the source may have handed it over (DONE queued, then
 * lost with the reset), or may have thawed it; running it could run the
 * process twice. Drop it and say so: after the source's migrate_done,
 * the trace shows the process lost. */
void migrate_in_give_up(struct kernel *k, struct move_in *m)
{
    if (m->held != NULL)
        trace_move(k, HAL_TRACE_MIGRATE_DROP, m->pid, m->source, 0, 0);
    migrate_in_drop(k, m);
}

void migrate_in_abort(struct kernel *k, struct move_in *m, int err)
{
    migrate_send_abort(k, m->source, MSG_ABORT, m->id, m->pid, err);
    migrate_in_drop(k, m);
}

/* Whether a move of pid may begin here: a free slot, room in the process
 * table (counting moves under way), no other copy of pid, and a node that
 * runs processes at all. */
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
    if (*slot == NULL || k->proc_count + incoming >= KERNEL_MAX_PROCS || k->service_only)
        return ERR_LIMIT;
    return 0;
}

void migrate_in_on_begin(struct kernel *k, uint16_t source, const uint8_t *msg, uint32_t len)
{
    if (len != BEGIN_BYTES) {
        k->stats.frames_bad++;
        return;
    }
    uint32_t id = get_be32(msg), pid = get_be32(msg + 4);
    if (id == 0 || ABI_PID_LOCAL(pid) == 0 || msg[8] > MIGRATE_PRE_COPY ||
        migrate_in_find(k, source, id) != NULL) {
        k->stats.frames_bad++;
        return;
    }
    struct move_in *m;
    int err = in_admit(k, pid, &m);
    if (err != 0) {
        migrate_send_abort(k, source, MSG_ABORT, id, pid, err);
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
    migrate_in_release(k, m);
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
void migrate_in_on_data(struct kernel *k, uint16_t source, uint8_t type, const uint8_t *msg, uint32_t len)
{
    struct move_in *m = migrate_in_find(k, source, get_be32(msg));
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
        migrate_in_abort(k, m, err);
    }
}
