/* kernel_harness.c - see kernel_harness.h. */
#include "kernel_harness.h"

#include <string.h>

void harness_init(struct harness *h, uint32_t nodes)
{
    harness_init_config(h, nodes, NULL);
}

static void boot_node(struct harness *h, uint32_t node, const struct kernel_config *base)
{
    struct kernel_config cfg = {0};
    if (base != NULL)
        cfg = *base;
    cfg.node_id = (uint16_t)node;
    cfg.node_count = (uint16_t)h->node_count;
    cfg.epoch = 100 + node + 1000 * h->boots[node];
    h->k[node] = kernel_create(&h->hal[node].hal, &cfg);
}

void harness_init_config(struct harness *h, uint32_t nodes, const struct kernel_config *base)
{
    memset(h, 0, sizeof *h);
    h->node_count = nodes;
    h->ns_per_insn = 10; /* a 100 MIPS node */
    for (uint32_t i = 0; i < nodes; i++) {
        fake_hal_init(&h->hal[i], (uint16_t)i);
        boot_node(h, i, base);
    }
}

void harness_restart(struct harness *h, uint32_t node, const struct kernel_config *base)
{
    kernel_destroy(h->k[node]);
    h->boots[node]++;
    boot_node(h, node, base);
}

int64_t harness_spawn(struct harness *h, uint32_t node, const char *program, const char *const *argv,
                      uint32_t argc)
{
    return kernel_spawn(h->k[node], program, argv, argc);
}

static void set_time(struct harness *h, uint64_t now)
{
    h->now_ns = now;
    for (uint32_t i = 0; i < h->node_count; i++)
        h->hal[i].now_ns = now;
}

/* Frames go to the node whose MAC they name, or to every other node when
 * broadcast, instantly and in order. */
static void move_frames(struct harness *h)
{
    uint8_t frame[HAL_NET_MAX_FRAME];
    for (uint32_t src = 0; src < h->node_count; src++) {
        uint32_t len;
        while ((len = fake_hal_pop_frame(&h->hal[src], frame)) != 0) {
            h->frames_moved++;
            if (h->frame_filter != NULL && !h->frame_filter(h, src, frame, len, h->filter_ctx))
                continue;
            for (uint32_t dst = 0; dst < h->node_count; dst++) {
                bool broadcast = memcmp(frame, "\xff\xff\xff\xff\xff\xff", 6) == 0;
                if (dst != src && (broadcast || memcmp(frame, h->hal[dst].mac, 6) == 0))
                    kernel_on_frame(h->k[dst], frame, len);
            }
        }
    }
}

static bool all_exited(const struct harness *h)
{
    for (uint32_t i = 0; i < h->node_count; i++)
        if (kernel_process_count(h->k[i]) != 0)
            return false;
    return true;
}

bool harness_run(struct harness *h, uint64_t limit_ns)
{
    uint64_t end = h->now_ns + limit_ns;
    while (!all_exited(h) && h->now_ns < end) {
        uint64_t next = UINT64_MAX;
        uint32_t most_used = 0;
        for (uint32_t i = 0; i < h->node_count; i++) {
            uint32_t used;
            kernel_on_timer(h->k[i]);
            uint64_t d = kernel_run(h->k[i], 10000, &used);
            most_used = used > most_used ? used : most_used;
            next = d < next ? d : next;
        }
        move_frames(h);
        for (uint32_t i = 0; i < h->node_count; i++) {
            uint64_t d = kernel_next_deadline(h->k[i]);
            next = d < next ? d : next;
        }
        uint64_t ran_to = h->now_ns + (uint64_t)most_used * h->ns_per_insn;
        if (all_exited(h)) {
            set_time(h, ran_to); /* the makespan: not the next timer's time */
            break;
        }
        /* An idle cluster may have no deadline at all: time stops at the limit. */
        uint64_t to = next > ran_to ? next : ran_to;
        set_time(h, to < end ? to : end);
    }
    return all_exited(h);
}

void harness_settle(struct harness *h, uint64_t limit_ns)
{
    uint64_t end = h->now_ns + limit_ns;
    for (uint32_t pass = 0; pass < 1000000 && h->now_ns < end; pass++) {
        uint64_t next = end;
        for (uint32_t i = 0; i < h->node_count; i++) {
            uint32_t used;
            kernel_on_timer(h->k[i]);
            uint64_t d = kernel_run(h->k[i], 10000, &used);
            next = d < next ? d : next;
        }
        move_frames(h);
        for (uint32_t i = 0; i < h->node_count; i++) {
            uint64_t d = kernel_next_deadline(h->k[i]);
            next = d < next ? d : next;
        }
        set_time(h, next > h->now_ns ? next : h->now_ns + 1000);
    }
}

uint32_t harness_destroy(struct harness *h)
{
    uint32_t leaked = 0;
    for (uint32_t i = 0; i < h->node_count; i++) {
        kernel_destroy(h->k[i]);
        leaked += h->hal[i].pages_in_use;
    }
    return leaked;
}

const char *harness_run_program(struct harness *h, const char *program, const char *const *argv)
{
    uint32_t argc = 0;
    while (argv != NULL && argv[argc] != NULL)
        argc++;
    if (harness_spawn(h, 0, program, argv, argc) < 0)
        return NULL;
    harness_run(h, 60ull * 1000 * 1000 * 1000);
    return h->hal[0].console;
}
