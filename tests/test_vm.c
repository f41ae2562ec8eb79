/*
 * test_vm.c - address spaces: mapping rules and range checks (every
 * boundary of user space, wrap-around of va + len), permissions, copies
 * across pages that change nothing when they fail, running out of memory,
 * and that vm_destroy gives back every page.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "core/kernel_priv.h"
#include "core/vm.h"
#include "tests/fake_hal.h"

static struct fake_hal f;
static struct kernel k;
static struct vm vm;

static void setup(void)
{
    fake_hal_init(&f, 0);
    k = (struct kernel){0};
    k.hal = f.hal;
    cr_assert_eq(vm_init(&vm, &k), 0);
}

static void teardown(void)
{
    vm_destroy(&vm, &k);
    cr_assert_eq(f.pages_in_use, 0, "pages leaked: %u", f.pages_in_use);
}

TestSuite(vm, .init = setup, .fini = teardown);

#define RW (VM_PERM_R | VM_PERM_W)
#define BASE ABI_USER_BASE
#define TOP ABI_USER_TOP

Test(vm, empty_space_has_nothing_mapped)
{
    cr_assert_eq(vm.pages_mapped, 0u);
    cr_assert_eq(vm_check(&vm, BASE, 1, 0), ERR_FAULT);
    cr_assert_eq(vm_check(&vm, TOP - 4, 4, 0), ERR_FAULT);
}

Test(vm, map_rejects_bad_ranges)
{
    cr_assert_eq(vm_map(&vm, &k, BASE, 0, RW), ERR_INVALID, "len 0");
    cr_assert_eq(vm_map(&vm, &k, 0, PAGE_SIZE, RW), ERR_INVALID, "page 0");
    cr_assert_eq(vm_map(&vm, &k, BASE - 1, 2, RW), ERR_INVALID, "touches below the base");
    cr_assert_eq(vm_map(&vm, &k, BASE - PAGE_SIZE, PAGE_SIZE, RW), ERR_INVALID);
    cr_assert_eq(vm_map(&vm, &k, TOP - 4, 8, RW), ERR_INVALID, "past the top");
    cr_assert_eq(vm_map(&vm, &k, TOP, 1, RW), ERR_INVALID);
    cr_assert_eq(vm_map(&vm, &k, 0xfffff000u, 0x2000u, RW), ERR_INVALID, "va + len wraps");
    cr_assert_eq(vm_map(&vm, &k, BASE, UINT32_MAX, RW), ERR_INVALID, "len wraps");
    cr_assert_eq(vm_map(&vm, &k, BASE, PAGE_SIZE, 8u), ERR_INVALID, "unknown permission bit");
    cr_assert_eq(vm.pages_mapped, 0u);
}

Test(vm, map_covers_partial_pages)
{
    cr_assert_eq(vm_map(&vm, &k, BASE + PAGE_SIZE - 1, 2, RW), 0);
    cr_assert_eq(vm.pages_mapped, 2u, "one byte on each of two pages");
    cr_assert_eq(vm_check(&vm, BASE, 2 * PAGE_SIZE, RW), 0);
    cr_assert_eq(vm_check(&vm, BASE, 2 * PAGE_SIZE + 1, RW), ERR_FAULT);
}

Test(vm, map_the_very_top)
{
    cr_assert_eq(vm_map(&vm, &k, TOP - ABI_USER_STACK_BYTES, ABI_USER_STACK_BYTES, RW), 0);
    cr_assert_eq(vm.pages_mapped, ABI_USER_STACK_BYTES / PAGE_SIZE);
    cr_assert_eq(vm_check(&vm, TOP - 4, 4, RW), 0);
    cr_assert_eq(vm_check(&vm, TOP - 4, 5, RW), ERR_FAULT);
    cr_assert_eq(vm_check(&vm, 0xfffffffcu, 8, 0), ERR_FAULT, "wrapping check");
}

Test(vm, remapping_adds_permissions_and_keeps_contents)
{
    cr_assert_eq(vm_map(&vm, &k, BASE, PAGE_SIZE, VM_PERM_R), 0);
    cr_assert_eq(vm_write_image(&vm, BASE + 10, "hello", 5), 0);
    cr_assert_eq(vm_check(&vm, BASE, 1, VM_PERM_W), ERR_FAULT);
    cr_assert_eq(vm_map(&vm, &k, BASE, 1, VM_PERM_W | VM_PERM_X), 0);
    cr_assert_eq(vm.pages_mapped, 1u);
    cr_assert_eq(vm_check(&vm, BASE, PAGE_SIZE, VM_PERM_R | VM_PERM_W | VM_PERM_X), 0);
    char buf[5];
    cr_assert_eq(vm_copy_in(&vm, buf, BASE + 10, 5), 0);
    cr_assert_eq(memcmp(buf, "hello", 5), 0);
}

Test(vm, mapped_pages_start_zeroed)
{
    cr_assert_eq(vm_map(&vm, &k, BASE, 3 * PAGE_SIZE, RW), 0);
    static uint8_t buf[3 * PAGE_SIZE];
    memset(buf, 0xaa, sizeof buf);
    cr_assert_eq(vm_copy_in(&vm, buf, BASE, sizeof buf), 0);
    for (size_t i = 0; i < sizeof buf; i++)
        cr_assert_eq(buf[i], 0);
}

Test(vm, check_permissions)
{
    cr_assert_eq(vm_map(&vm, &k, BASE, PAGE_SIZE, VM_PERM_R | VM_PERM_X), 0);
    cr_assert_eq(vm_map(&vm, &k, BASE + PAGE_SIZE, PAGE_SIZE, RW), 0);
    cr_assert_eq(vm_check(&vm, BASE, 2 * PAGE_SIZE, VM_PERM_R), 0);
    cr_assert_eq(vm_check(&vm, BASE, 2 * PAGE_SIZE, VM_PERM_W), ERR_FAULT);
    cr_assert_eq(vm_check(&vm, BASE + PAGE_SIZE, PAGE_SIZE, VM_PERM_W), 0);
    cr_assert_eq(vm_check(&vm, BASE + PAGE_SIZE - 1, 2, VM_PERM_X), ERR_FAULT);
    cr_assert_eq(vm_check(&vm, BASE, 1, VM_PERM_R | VM_PERM_X), 0);
    cr_assert_eq(vm_check(&vm, BASE, 0, VM_PERM_W), 0, "an empty range is always fine");
    cr_assert_eq(vm_check(&vm, 0, 0, VM_PERM_W), 0);
}

Test(vm, copies_cross_pages)
{
    cr_assert_eq(vm_map(&vm, &k, BASE, 4 * PAGE_SIZE, RW), 0);
    static uint8_t out[2 * PAGE_SIZE + 100], in[sizeof out];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (uint8_t)(i * 7 + 1);
    cr_assert_eq(vm_copy_out(&vm, BASE + PAGE_SIZE - 50, out, sizeof out), 0);
    cr_assert_eq(vm_copy_in(&vm, in, BASE + PAGE_SIZE - 50, sizeof in), 0);
    cr_assert_eq(memcmp(in, out, sizeof out), 0);
    cr_assert_eq(vm_copy_out(&vm, BASE, out, 0), 0);
    cr_assert_eq(vm_copy_in(&vm, in, BASE, 0), 0);
}

Test(vm, failed_copy_out_writes_nothing)
{
    cr_assert_eq(vm_map(&vm, &k, BASE, PAGE_SIZE, RW), 0);
    cr_assert_eq(vm_map(&vm, &k, BASE + PAGE_SIZE, PAGE_SIZE, VM_PERM_R), 0);
    uint8_t ones[64];
    memset(ones, 0xff, sizeof ones);
    cr_assert_eq(vm_copy_out(&vm, BASE + PAGE_SIZE - 32, ones, 64), ERR_FAULT, "second page read-only");
    cr_assert_eq(vm_copy_out(&vm, BASE + 2 * PAGE_SIZE - 32, ones, 64), ERR_FAULT, "runs off the map");
    cr_assert_eq(vm_copy_out(&vm, 0xffffffe0u, ones, 64), ERR_FAULT, "wraps");
    uint8_t back[64];
    cr_assert_eq(vm_copy_in(&vm, back, BASE + PAGE_SIZE - 32, 64), 0);
    for (int i = 0; i < 64; i++)
        cr_assert_eq(back[i], 0, "byte %d", i);
}

Test(vm, copy_in_needs_read)
{
    cr_assert_eq(vm_map(&vm, &k, BASE, PAGE_SIZE, VM_PERM_W), 0);
    cr_assert_eq(vm_map(&vm, &k, BASE + PAGE_SIZE, PAGE_SIZE, VM_PERM_X), 0);
    uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    cr_assert_eq(vm_copy_out(&vm, BASE, buf, 8), 0);
    cr_assert_eq(vm_copy_in(&vm, buf, BASE, 8), ERR_FAULT);
    cr_assert_eq(vm_copy_in(&vm, buf, BASE + PAGE_SIZE, 8), ERR_FAULT);
    cr_assert_eq(vm_copy_in(&vm, buf, 0, 8), ERR_FAULT);
    cr_assert_eq(vm_copy_in(&vm, buf, TOP - 4, 8), ERR_FAULT);
}

Test(vm, write_image_ignores_permissions_but_needs_pages)
{
    cr_assert_eq(vm_map(&vm, &k, BASE, PAGE_SIZE, VM_PERM_R | VM_PERM_X), 0);
    cr_assert_eq(vm_write_image(&vm, BASE + PAGE_SIZE - 4, "abcd", 4), 0);
    cr_assert_eq(vm_write_image(&vm, BASE + PAGE_SIZE - 4, "abcde", 5), ERR_FAULT);
    char buf[4];
    cr_assert_eq(vm_copy_in(&vm, buf, BASE + PAGE_SIZE - 4, 4), 0);
    cr_assert_eq(memcmp(buf, "abcd", 4), 0);
}

Test(vm, out_of_memory_while_mapping)
{
    f.page_limit = f.pages_in_use + 1 + 5; /* the table's leaf and five pages */
    cr_assert_eq(vm_map(&vm, &k, BASE, 16 * PAGE_SIZE, RW), ERR_NO_MEMORY);
    cr_assert_eq(vm.pages_mapped, 5u, "what was mapped stays until vm_destroy");
    cr_assert_eq(vm_map(&vm, &k, BASE + 64 * PAGE_SIZE, PAGE_SIZE, VM_PERM_X), ERR_NO_MEMORY);
}

Test(vm, table_leaves_are_made_only_where_pages_are)
{
    cr_assert_eq(f.pages_in_use, 0u, "an empty space takes no memory");
    cr_assert_eq(vm_memory_bytes(&vm), 0u);
    cr_assert_eq(vm_map(&vm, &k, BASE, 2 * PAGE_SIZE, RW), 0);
    cr_assert_eq(vm_map(&vm, &k, TOP - PAGE_SIZE, PAGE_SIZE, RW), 0);
    /* Text at the bottom, a stack at the top: two leaves and three pages. */
    cr_assert_eq(f.pages_in_use, 2u + 3u);
    cr_assert_eq(vm_memory_bytes(&vm), (2u + 3u) * PAGE_SIZE);
    cr_assert_eq(vm_check(&vm, BASE + 2 * PAGE_SIZE, 1, VM_PERM_R), ERR_FAULT, "a hole in a leaf");
    cr_assert_eq(vm_check(&vm, BASE + VM_LEAF_ENTRIES * PAGE_SIZE, 1, VM_PERM_R), ERR_FAULT, "no leaf");
}

Test(vm, out_of_memory_for_a_leaf_maps_nothing)
{
    f.page_limit = 1; /* the leaf, but not the page */
    cr_assert_eq(vm_map(&vm, &k, BASE, PAGE_SIZE, RW), ERR_NO_MEMORY);
    cr_assert_eq(vm.pages_mapped, 0u);
    cr_assert_eq(vm_page_perms(&vm, BASE >> PAGE_SHIFT), -1);
    f.page_limit = 0;
    vm_destroy(&vm, &k);
    cr_assert_eq(f.pages_in_use, 0u);
    cr_assert_eq(vm_map(&vm, &k, BASE, PAGE_SIZE, RW), 0);
}

Test(vm, destroy_returns_everything_and_is_idempotent)
{
    uint32_t before = f.pages_in_use;
    cr_assert_eq(vm_map(&vm, &k, BASE, 8 * PAGE_SIZE, VM_PERM_R | VM_PERM_X), 0);
    cr_assert_eq(vm_map(&vm, &k, TOP - PAGE_SIZE, PAGE_SIZE, RW), 0);
    cr_assert_gt(f.pages_in_use, before + 9);
    vm_destroy(&vm, &k);
    cr_assert_eq(f.pages_in_use, 0u);
    vm_destroy(&vm, &k);
    cr_assert_eq(vm_init(&vm, &k), 0);
}

/* Pre-copy's delta: the ranges where a page differs from a copy, gaps
 * shorter than `gap` bridged, each at most `max` bytes long. */
Test(vm, next_change_finds_the_changed_ranges)
{
    static const uint8_t ref[PAGE_SIZE]; /* the copy: zeroes, as the page starts */
    cr_assert_eq(vm_map(&vm, &k, BASE, PAGE_SIZE, RW), 0);
    uint32_t vpn = BASE >> PAGE_SHIFT, len = 99;
    cr_assert_eq(vm_page_next_change(&vm, vpn, ref, 0, 64, 1430, &len), PAGE_SIZE, "nothing changed");
    cr_assert_eq(len, 0u);
    static const uint8_t ones[300] = {[0] = 1, [9] = 1, [100] = 1, [299] = 1};
    cr_assert_eq(vm_copy_out(&vm, BASE + 10, ones, 10), 0);          /* changed: 10 and 19 */
    cr_assert_eq(vm_copy_out(&vm, BASE + 50, ones + 9, 1), 0);       /* 50: 30 from 19 */
    cr_assert_eq(vm_copy_out(&vm, BASE + 200, ones + 100, 1), 0);    /* 200: 150 from 50 */
    cr_assert_eq(vm_copy_out(&vm, BASE + PAGE_SIZE - 1, ones, 1), 0); /* the last byte */
    cr_assert_eq(vm_page_next_change(&vm, vpn, ref, 0, 64, 1430, &len), 10u);
    cr_expect_eq(len, 41u, "10..50: the 30-byte gap is bridged, the 150-byte one is not");
    cr_assert_eq(vm_page_next_change(&vm, vpn, ref, 51, 64, 1430, &len), 200u);
    cr_expect_eq(len, 1u);
    cr_assert_eq(vm_page_next_change(&vm, vpn, ref, 0, 200, 1430, &len), 10u);
    cr_expect_eq(len, 191u, "a gap of 200 bridges both");
    cr_assert_eq(vm_page_next_change(&vm, vpn, ref, 0, 64, 5, &len), 10u);
    cr_expect_eq(len, 1u, "at most 5 bytes, ending with a changed one: only byte 10");
    cr_assert_eq(vm_page_next_change(&vm, vpn, ref, 11, 64, 1430, &len), 19u);
    cr_expect_eq(len, 32u);
    cr_assert_eq(vm_page_next_change(&vm, vpn, ref, 201, 64, 1430, &len), PAGE_SIZE - 1);
    cr_expect_eq(len, 1u, "the last byte of the page");
}
