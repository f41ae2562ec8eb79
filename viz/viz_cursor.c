/* viz_cursor.c - see viz_cursor.h. */
#include "viz_cursor.h"

#include <string.h>

void viz_cursor_init(struct viz_cursor *c, const struct viz_run *r)
{
    memset(c, 0, sizeof *c);
    viz_state_init(&c->st, r->node_count);
}

void viz_cursor_free(struct viz_cursor *c) { viz_state_free(&c->st); }

void viz_cursor_seek(struct viz_cursor *c, const struct viz_run *r, uint64_t t_ns)
{
    size_t target = viz_run_events_until(r, t_ns);
    bool forward_is_short = c->st.next <= target && target - c->st.next <= r->ckpt_interval;
    if (!forward_is_short) {
        const struct viz_state *ck = viz_run_checkpoint_before(r, target);
        if (ck != NULL && (ck->next > c->st.next || c->st.next > target)) {
            viz_state_copy(&c->st, ck);
        } else if (c->st.next > target) {
            uint32_t nodes = c->st.node_count;
            viz_state_free(&c->st);
            viz_state_init(&c->st, nodes);
        }
    }
    while (c->st.next < target)
        viz_state_apply(&c->st, r);
    c->t_ns = t_ns;
}

double viz_migration_progress(const struct viz_migration *m, uint64_t t_ns)
{
    return viz_flight_progress(m->start_ns, m->end_ns, t_ns);
}
