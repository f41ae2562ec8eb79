/*
 * test_kalloc.c - the node's heap (core/kalloc.c): small objects of every
 * class share pages, the region given at init is used before any page is
 * taken, a reused object comes back zeroed, and every slab goes back.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "core/kernel_priv.h"
#include "tests/fake_hal.h"

static struct fake_hal f;
static struct kernel k;
static _Alignas(16) uint8_t first_region[1024];

static void setup(void)
{
    fake_hal_init(&f, 0);
    k = (struct kernel){0};
    k.hal = f.hal;
    memset(first_region, 0, sizeof first_region);
    kalloc_init(&k, first_region, sizeof first_region);
}

static void teardown(void)
{
    kalloc_release_all(&k);
    cr_assert_eq(f.pages_in_use, 0u, "slabs leaked: %u", f.pages_in_use);
}

TestSuite(kalloc, .init = setup, .fini = teardown);

Test(kalloc, the_first_region_serves_before_any_page_is_taken)
{
    uint8_t *a = kalloc(&k, 100), *b = kalloc(&k, 500);
    cr_assert(a >= first_region && b + 500 <= first_region + sizeof first_region);
    cr_assert_eq(f.pages_in_use, 0u);
    kalloc(&k, 600); /* no room left for 1 KiB: the rest goes to the free lists */
    cr_assert_eq(f.pages_in_use, 1u);
    uint8_t *c = kalloc(&k, 200); /* 256 B: a piece of the first region's rest */
    cr_assert(c >= first_region && c < first_region + sizeof first_region);
    cr_assert_eq(f.pages_in_use, 1u);
}

Test(kalloc, objects_of_every_class_share_one_page)
{
    kalloc_init(&k, NULL, 0);
    uint32_t bytes = 0;
    for (uint32_t shift = KALLOC_MIN_SHIFT; shift < KALLOC_MAX_SHIFT; shift++) {
        cr_assert_not_null(kalloc(&k, 1u << shift));
        bytes += 1u << shift;
    }
    cr_assert_eq(f.pages_in_use, 1u, "%u bytes in seven classes, one page", bytes);
    uint32_t slabs, free_bytes;
    kalloc_usage(&k, &slabs, &free_bytes);
    cr_assert_eq(slabs, 1u);
    cr_assert_eq(free_bytes, PAGE_SIZE - 16u - bytes, "the page less its header and the objects");
}

Test(kalloc, a_reused_object_comes_back_zeroed)
{
    uint8_t *a = kalloc(&k, 48);
    memset(a, 0xAB, 48);
    kfree(&k, a, 48);
    uint8_t *b = kalloc(&k, 40); /* the same 64-byte class */
    cr_assert_eq(b, a, "the freed object is reused first");
    for (uint32_t i = 0; i < 64; i++)
        cr_assert_eq(b[i], 0, "byte %u", i);
}

Test(kalloc, large_objects_take_whole_pages_and_give_them_back)
{
    void *big = kalloc(&k, 3000);
    cr_assert_eq(f.pages_in_use, 1u);
    kfree(&k, big, 3000);
    cr_assert_eq(f.pages_in_use, 0u);
}

Test(kalloc, out_of_memory_is_null)
{
    kalloc_init(&k, NULL, 0);
    f.page_limit = 1;
    cr_assert_not_null(kalloc(&k, 2048));
    cr_assert_not_null(kalloc(&k, 1024), "the page's rest");
    cr_assert_null(kalloc(&k, 2048), "no second page");
}
