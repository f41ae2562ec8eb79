/* viz_export.c - see viz_export.h. The rows come from replaying the
 * stored events with the same state the frames are drawn from. */
#include "viz_export.h"

#include <stdlib.h>

#include "host/xalloc.h"

struct node_row {
    uint8_t up;
    uint32_t queue, load_milli;
};

/* Rows for the nodes that changed since `last` (which is updated). */
static void changed_rows(FILE *out, const struct viz_run *r, const struct viz_state *st,
                         struct node_row *last, bool first, uint64_t t_ns)
{
    uint32_t imbalance = viz_run_imbalance_at(r, t_ns);
    for (uint32_t n = 0; n < st->node_count; n++) {
        struct node_row now = {st->up[n], st->queue[n], st->load_milli[n]};
        if (!first && now.up == last[n].up && now.queue == last[n].queue &&
            now.load_milli == last[n].load_milli)
            continue;
        last[n] = now;
        fprintf(out, "%llu,%u,%u,%u,%u,%u\n", (unsigned long long)t_ns, n, now.up, now.queue,
                now.load_milli, imbalance);
    }
}

int viz_export_csv(const struct viz_run *r, FILE *out)
{
    fprintf(out, "%s\n", VIZ_CSV_HEADER);
    struct viz_state st;
    viz_state_init(&st, r->node_count);
    struct node_row *last = xcalloc(r->node_count ? r->node_count : 1, sizeof last[0]);
    bool first = true;
    while (st.next < r->event_count) {
        uint64_t t = r->events[st.next].t_ns;
        while (st.next < r->event_count && r->events[st.next].t_ns == t)
            viz_state_apply(&st, r);
        changed_rows(out, r, &st, last, first, t);
        first = false;
    }
    free(last);
    viz_state_free(&st);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
