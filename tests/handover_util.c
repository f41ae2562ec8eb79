/* handover_util.c - see handover_util.h. */
#include "handover_util.h"

#include <string.h>

#include "core/kernel_priv.h"
#include "core/migrate_priv.h"

#define HANDOVER_STEP_NS 10000u
#define HANDOVER_MAX_STEPS 10000u
#define HANDOVER_DONE_WAIT_NS 5000000u

bool handover_cut_0_to_1(struct harness *h, uint32_t src, uint8_t *frame, uint32_t len, void *ctx)
{
    (void)len;
    return !(*(const bool *)ctx && src == 0 && memcmp(frame, h->hal[1].mac, 6) == 0);
}

bool handover_target_holds(const struct harness *h, uint32_t node)
{
    const struct migrate_state *m = h->k[node]->migrate; /* NULL until its first move */
    for (uint32_t i = 0; m != NULL && i < MIGRATE_MAX_IN; i++)
        if (m->in[i].held != NULL)
            return true;
    return false;
}

const char *handover_into_the_void(struct harness *h, uint32_t pid, bool *cut)
{
    *cut = false;
    h->frame_filter = handover_cut_0_to_1;
    h->filter_ctx = cut;
    if (kernel_migrate(h->k[0], pid, 1) != 0)
        return "node 0 refused the move";
    for (uint32_t i = 0; i < HANDOVER_MAX_STEPS && !handover_target_holds(h, 1); i++)
        harness_run(h, HANDOVER_STEP_NS);
    if (!handover_target_holds(h, 1))
        return "node 1 never held the installed copy";
    *cut = true; /* HANDOVER DONE never reaches node 1 */
    harness_run(h, HANDOVER_DONE_WAIT_NS);
    if (h->hal[0].trace_counts[HAL_TRACE_MIGRATE_DONE] != 1u)
        return "node 0 did not hand the process over";
    return NULL;
}
