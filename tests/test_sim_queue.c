/* test_sim_queue.c - the simulator's event queue: (time, seq) order,
 * FIFO among equal times, and heap order under random use. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "hal-sim/rng.h"
#include "hal-sim/sim_queue.h"

static struct sim_event ev_at(uint64_t t, uint64_t arg)
{
    struct sim_event e = {.time_ns = t, .arg = arg, .kind = SIM_EV_TEST};
    return e;
}

Test(sim_queue, empty)
{
    struct sim_queue q;
    sim_queue_init(&q);
    struct sim_event out;
    cr_assert(!sim_queue_pop(&q, &out));
    cr_assert_null(sim_queue_peek(&q));
    cr_assert_eq(sim_queue_len(&q), 0);
    sim_queue_free(&q);
}

Test(sim_queue, orders_by_time)
{
    struct sim_queue q;
    sim_queue_init(&q);
    uint64_t times[] = {50, 10, 40, 30, 20, 0, 60};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        struct sim_event e = ev_at(times[i], i);
        sim_queue_push(&q, &e);
    }
    uint64_t expect[] = {0, 10, 20, 30, 40, 50, 60};
    struct sim_event out;
    for (size_t i = 0; i < 7; i++) {
        cr_assert_eq(sim_queue_peek(&q)->time_ns, expect[i]);
        cr_assert(sim_queue_pop(&q, &out));
        cr_assert_eq(out.time_ns, expect[i]);
    }
    cr_assert(!sim_queue_pop(&q, &out));
    sim_queue_free(&q);
}

Test(sim_queue, equal_times_come_out_in_push_order)
{
    struct sim_queue q;
    sim_queue_init(&q);
    for (uint64_t i = 0; i < 1000; i++) {
        struct sim_event e = ev_at(i % 3 == 0 ? 7 : 5, i);
        cr_assert_eq(sim_queue_push(&q, &e), i, "seq is the insertion count");
    }
    struct sim_event out;
    uint64_t last_arg = 0, last_time = 0;
    bool first = true;
    while (sim_queue_pop(&q, &out)) {
        if (!first && out.time_ns == last_time)
            cr_assert_gt(out.arg, last_arg);
        cr_assert_geq(out.time_ns, last_time);
        last_arg = out.arg;
        last_time = out.time_ns;
        first = false;
    }
    sim_queue_free(&q);
}

/* Random pushes and pops against a sorted check: every pop returns the
 * least (time, seq) of what is in the queue. */
Test(sim_queue, random_interleaving)
{
    struct sim_queue q;
    sim_queue_init(&q);
    struct rng r;
    rng_init(&r, 42, 99, 0);
    uint64_t popped = 0, pushed = 0, last_t = 0, last_seq = 0;
    bool have_last = false;
    for (int round = 0; round < 200000; round++) {
        if (rng_below(&r, 3) != 0 || sim_queue_len(&q) == 0) {
            /* never push into the past of what was popped: like the simulator */
            struct sim_event e = ev_at(last_t + rng_below(&r, 100), pushed);
            sim_queue_push(&q, &e);
            pushed++;
        } else {
            struct sim_event out;
            cr_assert(sim_queue_pop(&q, &out));
            if (have_last) {
                cr_assert(out.time_ns > last_t || (out.time_ns == last_t && out.seq > last_seq));
            }
            cr_assert_eq(out.seq, out.arg);
            last_t = out.time_ns;
            last_seq = out.seq;
            have_last = true;
            popped++;
        }
    }
    cr_assert_eq(sim_queue_len(&q), pushed - popped);
    sim_queue_free(&q);
}

Test(sim_queue, carries_payload)
{
    struct sim_queue q;
    sim_queue_init(&q);
    int x;
    struct sim_event e = {.time_ns = 3, .ptr = &x, .arg = 77, .node = 9, .kind = SIM_EV_NET_DELIVER};
    sim_queue_push(&q, &e);
    struct sim_event out;
    cr_assert(sim_queue_pop(&q, &out));
    cr_assert_eq(out.ptr, &x);
    cr_assert_eq(out.arg, 77);
    cr_assert_eq(out.node, 9);
    cr_assert_eq(out.kind, SIM_EV_NET_DELIVER);
    sim_queue_free(&q);
}
