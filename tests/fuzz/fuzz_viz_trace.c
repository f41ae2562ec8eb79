/* fuzz_viz_trace.c - the visualizer's trace reader (viz/viz_json.c,
 * viz_trace.c, viz_run*.c) on arbitrary bytes, streamed in two pieces
 * split where the input says, then the replay model seeking over what
 * was accepted. Must never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>

#include "viz/viz_cursor.h"
#include "viz/viz_run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct viz_run r;
    viz_run_init(&r, "fuzz.jsonl");
    size_t split = size > 0 ? data[0] % (size + 1) : 0;
    viz_run_feed(&r, (const char *)data, split);
    viz_run_feed(&r, (const char *)data + split, size - split);
    if (viz_run_feed_end(&r) == 0) {
        struct viz_cursor c;
        viz_cursor_init(&c, &r);
        uint64_t times[] = {r.t_end_ns, 0, r.t_end_ns / 2, r.t_end_ns / 3};
        for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
            viz_cursor_seek(&c, &r, times[i]);
            (void)viz_state_imbalance_milli(&c.st);
            for (uint32_t p = 0; p < c.st.proc_cap && p < r.proc_count; p++)
                if (c.st.proc_mig[p] != VIZ_NO_MIG)
                    (void)viz_migration_progress(&r.migs[c.st.proc_mig[p]], times[i]);
        }
        viz_cursor_free(&c);
    }
    viz_run_free(&r);
    return 0;
}
