/* test_node_memory.c - a node's memory stays within its budget
 * (docs/architecture.md, "A node's memory"): whole simulations, then the
 * pages every node's kernel holds, as the simulator counted them through
 * the HAL, against NODE_IDLE_BUDGET_BYTES, with the kernel's own
 * breakdown in the failure message. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hal-sim/sim.h"

/* docs/architecture.md: an idle node, processes' pages aside. */
#define NODE_IDLE_BUDGET_BYTES (16u * 1024u)

static void describe(const struct kernel_memory *m, char *out, size_t len)
{
    snprintf(out, len,
             "hal_pages %u (heap slabs %u, heap room unused %u B): kernel %u B, net %u B, transport %u B "
             "(%u sessions), location %u B, migrate %u B, balance %u B, stock %u B, processes %u (%u B)",
             m->hal_pages, m->heap_pages, m->heap_free_bytes, m->kernel_bytes, m->net_bytes, m->transport_bytes,
             m->sessions, m->location_bytes, m->migrate_bytes, m->balance_bytes, m->stock_bytes, m->processes,
             m->process_bytes);
}

/* Every node holds at most `budget` bytes beyond its processes' own; the
 * largest node's figure goes to *largest. */
static void check_nodes(const struct sim *s, uint32_t budget, uint32_t *largest)
{
    *largest = 0;
    for (uint32_t i = 0; i < s->node_count; i++) {
        const struct sim_node *n = &s->nodes[i];
        cr_assert_not_null(n->k, "node %u is down", i);
        struct kernel_memory m;
        kernel_memory(n->k, &m);
        char why[512];
        describe(&m, why, sizeof why);
        /* The kernel's count is the simulator's: nothing is missed. */
        cr_assert_eq(m.hal_pages, n->pages_in_use, "node %u: the kernel counts %u pages, the HAL %u", i,
                     m.hal_pages, n->pages_in_use);
        uint32_t bytes = n->pages_in_use * HAL_PAGE_SIZE - m.process_bytes;
        cr_assert_leq(bytes, budget, "node %u holds %u bytes, more than %u: %s", i, bytes, budget, why);
        if (bytes > *largest)
            *largest = bytes;
    }
}

/* Every node holds a session with every other node. */
static void check_talked_to_all(const struct sim *s)
{
    for (uint32_t i = 0; i < s->node_count; i++) {
        struct kernel_memory m;
        kernel_memory(s->nodes[i].k, &m);
        cr_assert_eq(m.sessions, s->node_count - 1u, "node %u talked to %u peers of %u", i, m.sessions,
                     s->node_count - 1u);
    }
}

static void run_and_check(const char *text, uint32_t *largest, bool talked_to_all)
{
    char err[SCN_ERROR_BYTES];
    static struct scenario scn;
    cr_assert_eq(scenario_parse(text, strlen(text), "node_memory.json", &scn, err, sizeof err), 0, "%s", err);
    static struct sim s;
    struct sim_options opt = {.seed = scn.seed};
    cr_assert_eq(sim_open(&s, &scn, &opt, err, sizeof err), 0, "%s", err);
    cr_assert_eq(sim_run(&s), 0, "%s", s.error);
    if (talked_to_all)
        check_talked_to_all(&s);
    check_nodes(&s, NODE_IDLE_BUDGET_BYTES, largest);
    cr_log_info("the largest node holds %u bytes besides its processes' own", *largest);
    cr_assert_eq(sim_close(&s, err, sizeof err), 0, "%s", err);
    scenario_free(&scn);
}

Test(node_memory, idle_nodes_stay_within_the_budget)
{
    uint32_t largest;
    run_and_check("{\"seed\": 3, \"nodes\": [{\"count\": 300}], \"duration\": \"1s\", \"events\": []}", &largest,
                  false);
    /* Kernel struct and small objects in one page, the ARP cache in another. */
    cr_assert_eq(largest, 2u * HAL_PAGE_SIZE);
}

Test(node_memory, nodes_that_passed_a_token_stay_within_the_budget)
{
    uint32_t largest;
    run_and_check("{\"seed\": 5, \"nodes\": [{\"count\": 40}], \"events\": [{\"at\": \"0s\", \"spawn\": "
                  "{\"node\": \"all\", \"program\": \"ring\", \"args\": [\"40\", \"1\"]}}]}",
                  &largest, false);
    cr_assert_gt(largest, 2u * HAL_PAGE_SIZE, "the nodes talked: sessions and a frame buffer");
}

/* With the balancer on, every node reports its load to 4 random peers
 * every 50 ms, idle or not, so after 3 s each node of 24 holds a session
 * with every other. Its balancer state fits one page and a session one
 * 128-byte heap object (two pages and 256 bytes before their fields were
 * laid out without padding): kernel page, ARP cache page, balancer page,
 * and one heap page for the 23 sessions and the frame buffer. Larger
 * clusters are over the budget: one session a peer. */
Test(node_memory, balancing_nodes_of_24_stay_within_the_budget)
{
    uint32_t largest;
    run_and_check("{\"seed\": 7, \"nodes\": [{\"count\": 24}], \"balancer\": {\"policy\": \"offer\"}, "
                  "\"duration\": \"3s\", \"events\": []}",
                  &largest, true);
    cr_assert_eq(largest, 4u * HAL_PAGE_SIZE);
}
