/*
 * test_location.c - the location table's cache (core/location.h): hints
 * learnt from sends are kept up to LOCATION_CACHE_SIZE and then evicted
 * oldest first; a home node's authoritative entries are never evicted;
 * news older than an entry never overwrites it.
 */
#include <criterion/criterion.h>

#include "core/abi.h"
#include "core/bytes.h"
#include "core/location.h"
#include "core/param.h"
#include "kernel_harness.h"

static struct harness h;

static void teardown(void) { cr_expect_eq(harness_destroy(&h), 0, "pages leaked"); }

TestSuite(location, .fini = teardown);

/* Node 1 tells home node 0 that n0.<local> now runs on `node`. */
static void tell_home(uint32_t local, uint16_t node)
{
    uint8_t news[10];
    put_be32(news, ABI_PID(0, local));
    put_be16(news + 4, node);
    put_be32(news + 6, 1);
    location_on_message(h.k[0], 1, news, sizeof news);
}

Test(location, a_full_cache_evicts_its_oldest_hint_and_keeps_authoritative_entries)
{
    harness_init(&h, 3);
    struct kernel *k = h.k[0];
    tell_home(1, 1); /* the oldest entry of all, but authoritative */
    for (uint32_t local = 1; local <= LOCATION_CACHE_SIZE; local++)
        location_learn(k, ABI_PID(1, local), 2, 1);
    cr_expect_eq(location_lookup(k, ABI_PID(1, 1)), 2, "a full cache still holds its oldest hint");
    cr_expect_eq(location_lookup(k, ABI_PID(1, LOCATION_CACHE_SIZE)), 2);

    location_learn(k, ABI_PID(1, LOCATION_CACHE_SIZE + 1), 2, 1);
    cr_expect_eq(location_lookup(k, ABI_PID(1, 1)), 1, "the oldest hint is evicted: looked for at home");
    cr_expect_eq(location_lookup(k, ABI_PID(1, 2)), 2, "only one hint goes");
    cr_expect_eq(location_lookup(k, ABI_PID(1, LOCATION_CACHE_SIZE + 1)), 2, "the new hint is kept");
    cr_expect_eq(location_lookup(k, ABI_PID(0, 1)), 1, "the authoritative entry stays");
    cr_expect(location_is_home_of(k, ABI_PID(0, 1)));

    location_learn(k, ABI_PID(1, 2), 2, 2); /* a later move of a known pid: no new entry */
    location_learn(k, ABI_PID(1, LOCATION_CACHE_SIZE + 2), 2, 1);
    cr_expect_eq(location_lookup(k, ABI_PID(1, 2)), 1, "updating a hint does not make it younger");
    cr_expect_eq(location_lookup(k, ABI_PID(1, 3)), 2);
}

/* News travels by different paths and arrives late: an answer to a send,
 * or a home's LOCATION, one move old must not undo what a newer move
 * taught (the process would be looked for where it was before). */
Test(location, news_one_move_old_does_not_overwrite_a_newer_entry)
{
    harness_init(&h, 3);
    struct kernel *k = h.k[0];
    uint32_t pid = ABI_PID(1, 7);
    location_learn(k, pid, 2, 5);
    location_learn(k, pid, 1, 4);
    cr_expect_eq(location_lookup(k, pid), 2, "a hint one move old is ignored");
    location_learn(k, pid, 1, 3);
    cr_expect_eq(location_lookup(k, pid), 2, "and one two moves old");
    location_learn(k, pid, 1, 6);
    cr_expect_eq(location_lookup(k, pid), 1, "newer news wins");

    uint8_t news[10]; /* a home's authoritative entry: n0.3 on node 2 after 3 moves */
    put_be32(news, ABI_PID(0, 3));
    put_be16(news + 4, 2);
    put_be32(news + 6, 3);
    location_on_message(k, 2, news, sizeof news);
    put_be16(news + 4, 1); /* a late report of its move before */
    put_be32(news + 6, 2);
    location_on_message(k, 1, news, sizeof news);
    cr_expect_eq(location_lookup(k, ABI_PID(0, 3)), 2, "the home keeps the newest");
    cr_expect_eq(h.hal[0].asserts, 0u);
}
