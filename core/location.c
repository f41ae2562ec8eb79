/*
 * location.c - the pid -> node table (see location.h): an open-addressing
 * hash table keyed by pid (linear probing, deletion by backward shift),
 * doubled when half full. Cache entries carry a stamp so the oldest can
 * be evicted; authoritative ones never are. Every piece of news carries
 * the process's move count, and the table keeps the newest, so a late
 * message never undoes a newer one.
 */
#include "location.h"
#include "location_priv.h"

#include "bytes.h"
#include "ipc.h"
#include "kassert.h"
#include "kernel_priv.h"
#include "proc.h"
#include "transport.h"

#define LOCATION_MIN_CAPACITY 8u /* an idle node's table fits the budget (test_node_memory) */
#define LOCATION_EXITED 0xFFFFu
#define LOCATION_MSG_BYTES 10u /* pid, node, moves */

static uint32_t slot_of(const struct location_table *t, uint32_t pid)
{
    return (pid * 2654435761u) & (t->capacity - 1); /* Fibonacci hashing */
}

static struct location_entry *alloc_slots(struct kernel *k, uint32_t capacity)
{
    return kalloc(k, capacity * (uint32_t)sizeof(struct location_entry));
}

int location_init(struct kernel *k)
{
    struct location_table *t = kalloc(k, sizeof *t);
    if (t == NULL)
        return ERR_NO_MEMORY;
    t->capacity = LOCATION_MIN_CAPACITY;
    t->suspects = NULL;
    t->slots = alloc_slots(k, t->capacity);
    if (t->slots == NULL) {
        kfree(k, t, sizeof *t);
        return ERR_NO_MEMORY;
    }
    k->location = t;
    return 0;
}

uint32_t location_memory_bytes(const struct kernel *k)
{
    const struct location_table *t = k->location;
    if (t == NULL)
        return 0;
    uint32_t suspects = t->suspects != NULL ? LOCATION_MAX_SUSPECTS * (uint32_t)sizeof *t->suspects : 0u;
    return (uint32_t)sizeof *t + t->capacity * (uint32_t)sizeof(struct location_entry) + suspects;
}

void location_destroy(struct kernel *k)
{
    struct location_table *t = k->location;
    location_suspects_destroy(k);
    kfree(k, t->slots, t->capacity * (uint32_t)sizeof(struct location_entry));
    kfree(k, t, sizeof *t);
    k->location = NULL;
}

struct location_entry *location_find(struct location_table *t, uint32_t pid)
{
    for (uint32_t i = slot_of(t, pid);; i = (i + 1) & (t->capacity - 1)) {
        if (t->slots[i].pid == pid)
            return &t->slots[i];
        if (t->slots[i].pid == 0)
            return NULL;
    }
}

static void insert(struct location_table *t, struct location_entry e)
{
    uint32_t i = slot_of(t, e.pid);
    while (t->slots[i].pid != 0)
        i = (i + 1) & (t->capacity - 1);
    t->slots[i] = e;
    t->used++;
    t->cached += !e.authoritative;
    t->emigrants += e.parent_pid != 0;
}

/* Double the table; on no memory keep the old one (it still has room). */
static void grow(struct kernel *k, struct location_table *t)
{
    struct location_entry *old = t->slots;
    uint32_t old_capacity = t->capacity;
    struct location_entry *fresh = alloc_slots(k, old_capacity * 2);
    if (fresh == NULL)
        return;
    t->slots = fresh;
    t->capacity = old_capacity * 2;
    t->used = t->cached = t->emigrants = 0;
    for (uint32_t i = 0; i < old_capacity; i++)
        if (old[i].pid != 0)
            insert(t, old[i]);
    kfree(k, old, old_capacity * (uint32_t)sizeof(struct location_entry));
}

/* Remove the entry at slot i, moving later entries of its probe run back
 * so that lookups never stop early at the hole. */
static void remove_at(struct location_table *t, uint32_t i)
{
    uint32_t mask = t->capacity - 1;
    t->used--;
    t->cached -= !t->slots[i].authoritative;
    t->emigrants -= t->slots[i].parent_pid != 0;
    t->slots[i].pid = 0;
    for (uint32_t j = (i + 1) & mask; t->slots[j].pid != 0; j = (j + 1) & mask) {
        uint32_t home = slot_of(t, t->slots[j].pid);
        bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            t->slots[i] = t->slots[j];
            t->slots[j].pid = 0;
            i = j;
        }
    }
}

static void evict_oldest_cached(struct location_table *t)
{
    uint32_t victim = t->capacity;
    for (uint32_t i = 0; i < t->capacity; i++) {
        const struct location_entry *e = &t->slots[i];
        if (e->pid != 0 && !e->authoritative && (victim == t->capacity || e->stamp < t->slots[victim].stamp))
            victim = i;
    }
    if (victim != t->capacity)
        remove_at(t, victim);
}

uint16_t location_lookup(struct kernel *k, uint32_t pid)
{
    if (proc_find(k, pid) != NULL)
        return k->node_id;
    const struct location_entry *e = location_find(k->location, pid);
    return e != NULL ? e->node : (uint16_t)ABI_PID_NODE(pid);
}

static void add(struct kernel *k, struct location_entry e)
{
    struct location_table *t = k->location;
    if (!e.authoritative && t->cached >= LOCATION_CACHE_SIZE)
        evict_oldest_cached(t);
    if ((t->used + 1) * 2 > t->capacity)
        grow(k, t);
    if (t->used + 1 < t->capacity)
        insert(t, e);
    /* Open addressing needs an empty slot to end every probe. */
    KASSERT(k, t->used < t->capacity && t->cached <= t->used);
}

/* News that pid had moved `moves` times and was on `node`: kept unless the
 * table knows of a later move. Authoritative news makes the entry one
 * that is never evicted; node LOCATION_EXITED or this node clears it. */
static void learn(struct kernel *k, uint32_t pid, uint16_t node, uint32_t moves, bool authoritative)
{
    struct location_table *t = k->location;
    struct location_entry *e = location_find(t, pid);
    if (e != NULL && e->moves > moves)
        return;
    if (node == LOCATION_EXITED || (node == k->node_id && authoritative)) {
        location_forget(k, pid);
        return;
    }
    if (e == NULL) {
        add(k, (struct location_entry){.pid = pid,
                                       .stamp = t->clock++,
                                       .moves = moves,
                                       .node = node,
                                       .authoritative = authoritative});
        return;
    }
    KASSERT_MSG(k, e->moves <= moves, "a location entry's move count went back");
    e->node = node;
    e->moves = moves;
    if (authoritative && !e->authoritative) {
        e->authoritative = true;
        t->cached--;
    }
}

void location_learn(struct kernel *k, uint32_t pid, uint16_t node, uint32_t moves)
{
    learn(k, pid, node, moves, false);
}

void location_forget(struct kernel *k, uint32_t pid)
{
    struct location_table *t = k->location;
    struct location_entry *e = location_find(t, pid);
    if (e != NULL)
        remove_at(t, (uint32_t)(e - t->slots));
}

static void tell_home(struct kernel *k, uint32_t pid, uint16_t node, uint32_t moves)
{
    uint16_t home = (uint16_t)ABI_PID_NODE(pid);
    if (home == k->node_id)
        return;
    uint8_t msg[LOCATION_MSG_BYTES];
    put_be32(msg, pid);
    put_be16(msg + 4, node);
    put_be32(msg + 6, moves);
    /* A lost update only costs a forwarding hop: the node the process
     * left still knows where it went. */
    (void)transport_send(k, home, CLUSTER_MSG_LOCATION, msg, LOCATION_MSG_BYTES);
}

void location_on_departure(struct kernel *k, const struct proc *p, uint16_t target)
{
    learn(k, p->pid, target, p->moves + 1, true);
    struct location_table *t = k->location;
    struct location_entry *e = location_find(t, p->pid);
    /* Its home keeps its parent: to tell it if the process is lost there. */
    if (e != NULL && ABI_PID_NODE(p->pid) == k->node_id && e->parent_pid == 0 &&
        ABI_PID_LOCAL(p->parent_pid) != 0) {
        e->parent_pid = p->parent_pid;
        t->emigrants++;
    }
}

void location_probe_emigrants(struct kernel *k, void (*probe)(struct kernel *k, uint16_t node))
{
    const struct location_table *t = k->location;
    for (uint32_t i = 0, seen = 0; i < t->capacity && seen < t->emigrants; i++) {
        if (t->slots[i].pid != 0 && t->slots[i].parent_pid != 0) {
            seen++;
            probe(k, t->slots[i].node);
        }
    }
}

bool location_has_emigrants(const struct kernel *k)
{
    return k->location->emigrants != 0;
}

static void send_moved_note(struct kernel *k, uint32_t to, uint32_t pid, uint16_t from)
{
    uint8_t note[ABI_NOTE_MOVED_BYTES];
    put_le32(note, ABI_NOTE_MOVED);
    put_le32(note + 4, pid);
    put_le32(note + 8, from);
    put_le32(note + 12, k->node_id);
    (void)ipc_send(k, NULL, to, note, ABI_NOTE_MOVED_BYTES);
}

void location_on_arrival(struct kernel *k, struct proc *p, uint16_t source)
{
    p->moves++;
    location_forget(k, p->pid);
    tell_home(k, p->pid, k->node_id, p->moves);
    send_moved_note(k, p->pid, p->pid, source);
    if (ABI_PID_LOCAL(p->parent_pid) != 0)
        send_moved_note(k, p->parent_pid, p->pid, source);
    for (uint32_t i = 0; i < p->child_count; i++)
        if (!p->children[i].exited)
            send_moved_note(k, p->children[i].pid, p->pid, source);
}

void location_on_exit(struct kernel *k, uint32_t pid)
{
    tell_home(k, pid, LOCATION_EXITED, UINT32_MAX); /* the last news there will be */
}

bool location_is_home_of(struct kernel *k, uint32_t pid)
{
    const struct location_entry *e = location_find(k->location, pid);
    return e != NULL && e->authoritative;
}

void location_on_home_reset(struct kernel *k, uint16_t home)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        const struct proc *p = k->procs[i];
        if (p != NULL && !p->arriving && ABI_PID_NODE(p->pid) == home)
            tell_home(k, p->pid, k->node_id, p->moves);
    }
}

bool location_is_home_news(struct kernel *k, uint32_t len, uint32_t want, uint32_t pid)
{
    if (len == want && ABI_PID_NODE(pid) == k->node_id && ABI_PID_LOCAL(pid) != 0)
        return true;
    k->stats.frames_bad++;
    return false;
}

void location_on_message(struct kernel *k, uint16_t src_node, const uint8_t *payload, uint32_t len)
{
    (void)src_node;
    uint32_t pid = len >= 4 ? get_be32(payload) : 0;
    if (location_is_home_news(k, len, LOCATION_MSG_BYTES, pid))
        learn(k, pid, get_be16(payload + 4), get_be32(payload + 6), true);
}
