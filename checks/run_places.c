/*
 * run_places.c - see run_check_priv.h. A process record moves from
 * running to moving, handed over and running again on the target; it
 * ends with its exit, or is lost with the node that held it. A parent is
 * told of a child lost (child_lost) once, only of one really lost, and
 * in time when it still runs.
 */
#include <string.h>

#include "run_check_priv.h"

static const char *const state_words[] = {
    [PROC_ALIVE] = "running", [PROC_MOVING] = "moving", [PROC_IN_FLIGHT] = "handed over",
    [PROC_ENDED] = "ended",   [PROC_LOST] = "lost",
};

static struct proc_rec *proc_of(struct checker *c, uint32_t pid)
{
    return key_map_get(&c->procs, pid, false, NULL);
}

static void set_state(struct checker *c, struct proc_rec *r, enum proc_state state)
{
    r->state = (uint8_t)state;
    r->since_line = c->line;
    r->since_t = c->t;
}

void places_spawn(struct checker *c, uint32_t node, uint32_t pid, uint32_t parent)
{
    char p[16];
    bool created;
    struct proc_rec *r = key_map_get(&c->procs, pid, true, &created);
    if (!created) {
        run_check_violation(c, "pid %s spawned again (first spawned at line %llu)",
                            run_check_pid_text(pid, p), (unsigned long long)r->spawn_line);
        return;
    }
    c->r->processes++;
    *r = (struct proc_rec){.node = (uint16_t)node, .parent = parent, .spawn_line = c->line};
    set_state(c, r, PROC_ALIVE);
    if (pid >> 16 != node)
        run_check_violation(c, "pid %s spawned on node %u: its pid names node %u", run_check_pid_text(pid, p),
                            node, pid >> 16);
}

struct proc_rec *places_acting(struct checker *c, uint32_t node, uint32_t pid, const char *what)
{
    char p[16];
    struct proc_rec *r = proc_of(c, pid);
    if (r == NULL) {
        run_check_violation(c, "pid %s %s but was never spawned", run_check_pid_text(pid, p), what);
        return NULL;
    }
    if (r->state != PROC_ALIVE && r->state != PROC_MOVING) {
        run_check_violation(c, "pid %s %s on node %u after it was %s (line %llu)", run_check_pid_text(pid, p),
                            what, node, state_words[r->state], (unsigned long long)r->since_line);
        return NULL;
    }
    if (r->node != node) {
        run_check_violation(c, "pid %s %s on node %u but runs on node %u (since line %llu)",
                            run_check_pid_text(pid, p), what, node, r->node,
                            (unsigned long long)r->since_line);
        return NULL;
    }
    return r;
}

void places_end(struct checker *c, uint32_t node, uint32_t pid)
{
    struct proc_rec *r = places_acting(c, node, pid, "ended");
    if (r != NULL) {
        set_state(c, r, PROC_ENDED);
        r->crashes = run_check_node(c, node)->crashes;
    }
}

void places_move(struct checker *c, const char *ev, uint32_t node, uint32_t pid, uint32_t other)
{
    char p[16];
    if (strcmp(ev, "migrate_start") == 0) {
        struct proc_rec *r = places_acting(c, node, pid, "started a move");
        if (r != NULL) {
            set_state(c, r, PROC_MOVING);
            r->to = (uint16_t)other;
            r->crashes = run_check_node(c, other)->crashes;
        }
        return;
    }
    struct proc_rec *r = proc_of(c, pid);
    if (strcmp(ev, "migrate_drop") == 0) {
        /* Lost if it was handed over to here; else the source thaws it. */
        if (r != NULL && r->state == PROC_IN_FLIGHT && r->to == node)
            set_state(c, r, PROC_LOST);
        return;
    }
    if (strcmp(ev, "migrate_lost") == 0) {
        /* Its home's verdict: handed over to `other`, which restarted before running it. */
        if (r != NULL && r->state == PROC_IN_FLIGHT && r->to == other)
            set_state(c, r, PROC_LOST);
        else if (r == NULL || r->state != PROC_LOST)
            run_check_violation(
                c, "pid %s reported lost on node %u by node %u, but it is %s on node %u (since line %llu)",
                run_check_pid_text(pid, p), other, node, r != NULL ? state_words[r->state] : "unknown",
                r != NULL ? r->node : 0u, r != NULL ? (unsigned long long)r->since_line : 0ull);
        return;
    }
    if (strcmp(ev, "migrate_install") == 0) {
        if (r == NULL || r->state != PROC_IN_FLIGHT || r->to != node) {
            run_check_violation(c, "pid %s installed on node %u without a completed move there",
                                run_check_pid_text(pid, p), node);
            return;
        }
        set_state(c, r, PROC_ALIVE);
        r->node = (uint16_t)node;
        return;
    }
    bool ended = r != NULL && (r->state == PROC_ENDED || r->state == PROC_LOST);
    if (strcmp(ev, "migrate_abort") == 0 && ended)
        return; /* it ended while moving: the abort changes nothing */
    if (r == NULL || r->state != PROC_MOVING || r->node != node) {
        run_check_violation(c, "%s of pid %s on node %u, which was not moving it", ev,
                            run_check_pid_text(pid, p), node);
        return;
    }
    bool done = strcmp(ev, "migrate_done") == 0;
    set_state(c, r, done ? PROC_IN_FLIGHT : PROC_ALIVE);
    /* Handed over to a node that crashed meanwhile: lost with it. */
    if (done && run_check_node(c, r->to)->down)
        set_state(c, r, PROC_LOST);
}

/* Everything on the crashed node is lost, and so is what was handed over to it. */
void places_crash(struct checker *c, uint32_t node)
{
    uint64_t pid;
    for (size_t i = 0; i < c->procs.capacity; i++) {
        struct proc_rec *r = key_map_slot(&c->procs, i, &pid);
        if (r == NULL)
            continue;
        bool there = ((r->state == PROC_ALIVE || r->state == PROC_MOVING) && r->node == node) ||
                     (r->state == PROC_IN_FLIGHT && r->to == node);
        if (there)
            set_state(c, r, PROC_LOST);
    }
}

/* Handed over to a target that restarted since the move started and
 * never installed: the copy died with the incarnation that held it (a
 * move can also start over with the new one, which then installs it). */
static bool lost_with_a_restart(struct checker *c, const struct proc_rec *r)
{
    return r->state == PROC_IN_FLIGHT && run_check_node(c, r->to)->crashes != r->crashes;
}

static bool lost(struct checker *c, const struct proc_rec *r)
{
    return r->state == PROC_LOST || lost_with_a_restart(c, r);
}

/* Running at `node`, or handed over to it: where its kernel record is. */
static bool held_at(const struct proc_rec *r, uint32_t node)
{
    return ((r->state == PROC_ALIVE || r->state == PROC_MOVING) && r->node == node) ||
           (r->state == PROC_IN_FLIGHT && r->to == node);
}

bool places_holds(struct checker *c, uint32_t pid, uint32_t node)
{
    const struct proc_rec *r = proc_of(c, pid);
    return r != NULL && held_at(r, node);
}

void places_child_lost(struct checker *c, uint32_t node, uint32_t pid, uint32_t parent)
{
    char p[16], q[16];
    struct proc_rec *r = proc_of(c, pid);
    if (r == NULL) {
        run_check_violation(c, "pid %s reported lost to %s but was never spawned", run_check_pid_text(pid, p),
                            run_check_pid_text(parent, q));
        return;
    }
    if (r->parent != parent) {
        run_check_violation(c, "pid %s reported lost to %s, which is not its parent",
                            run_check_pid_text(pid, p), run_check_pid_text(parent, q));
        return;
    }
    if (r->parent_told)
        run_check_violation(c, "pid %s reported lost to its parent %s a second time",
                            run_check_pid_text(pid, p), run_check_pid_text(parent, q));
    r->parent_told = true;
    /* Its exit may be lost too: ended on a node that crashed before the news left. */
    bool exit_lost = r->state == PROC_ENDED && run_check_node(c, r->node)->crashes != r->crashes;
    if (!lost(c, r) && !exit_lost)
        run_check_violation(
            c, "pid %s reported lost to its parent %s, but it is %s on node %u (since line %llu)",
            run_check_pid_text(pid, p), run_check_pid_text(parent, q), state_words[r->state], r->node,
            (unsigned long long)r->since_line);
    if (!places_holds(c, parent, node))
        run_check_violation(c,
                            "pid %s reported lost to its parent %s on node %u, where the parent does not run",
                            run_check_pid_text(pid, p), run_check_pid_text(parent, q), node);
}

/* A child lost long ago whose parent still runs has been told. */
static void check_parent_told(struct checker *c, uint32_t pid, const struct proc_rec *r)
{
    char p[16], q[16];
    if (!lost(c, r) || r->parent_told || (r->parent & 0xFFFFu) == 0 ||
        c->t - r->since_t < RUN_CHECK_CHILD_LOST_NOTICE_NS)
        return;
    const struct proc_rec *pr = proc_of(c, r->parent);
    if (pr != NULL && (pr->state == PROC_ALIVE || pr->state == PROC_MOVING ||
                       (pr->state == PROC_IN_FLIGHT && !lost_with_a_restart(c, pr))))
        run_check_violation(c, "pid %s was lost at line %llu, but its parent %s, still %s, was never told",
                            run_check_pid_text(pid, p), (unsigned long long)r->since_line,
                            run_check_pid_text(r->parent, q), state_words[pr->state]);
}

void places_at_end(struct checker *c, bool all_exited)
{
    char p[16];
    uint64_t pid;
    for (size_t i = 0; i < c->procs.capacity; i++) {
        struct proc_rec *r = key_map_slot(&c->procs, i, &pid);
        if (r == NULL)
            continue;
        if (all_exited && r->state != PROC_ENDED && !lost(c, r))
            run_check_violation(c,
                                "the run ended with every process exited, but pid %s is %s (since line %llu)",
                                run_check_pid_text((uint32_t)pid, p), state_words[r->state],
                                (unsigned long long)r->since_line);
        check_parent_told(c, (uint32_t)pid, r);
    }
}
