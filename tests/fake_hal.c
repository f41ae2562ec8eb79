/* fake_hal.c - see fake_hal.h. */
#include "fake_hal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/programs.h"

static uint64_t fake_now(void *ctx) { return ((struct fake_hal *)ctx)->now_ns; }

static int fake_send(void *ctx, const uint8_t *frame, uint32_t len)
{
    struct fake_hal *f = ctx;
    if (len < 14 || len > HAL_NET_MAX_FRAME)
        return HAL_ERR_INVALID;
    if (f->frame_count == FAKE_MAX_FRAMES)
        return HAL_ERR_BUSY;
    f->frames[f->frame_count].len = len;
    memcpy(f->frames[f->frame_count].bytes, frame, len);
    f->frame_count++;
    return HAL_OK;
}

static void fake_get_mac(void *ctx, uint8_t mac[6]) { memcpy(mac, ((struct fake_hal *)ctx)->mac, 6); }

static void fake_console(void *ctx, uint32_t pid, const char *text, uint32_t len)
{
    struct fake_hal *f = ctx;
    (void)pid;
    uint32_t room = FAKE_CONSOLE_BYTES - 1 - f->console_len;
    if (len > room)
        len = room;
    memcpy(f->console + f->console_len, text, len);
    f->console_len += len;
    f->console[f->console_len] = '\0';
}

static void *fake_alloc_pages(void *ctx, uint32_t count)
{
    struct fake_hal *f = ctx;
    if (f->page_limit != 0 && f->pages_in_use + count > f->page_limit)
        return NULL;
    void *p = aligned_alloc(HAL_PAGE_SIZE, (size_t)count * HAL_PAGE_SIZE);
    if (p == NULL)
        return NULL;
    memset(p, 0, (size_t)count * HAL_PAGE_SIZE);
    f->pages_in_use += count;
    return p;
}

static void fake_free_pages(void *ctx, void *pages, uint32_t count)
{
    struct fake_hal *f = ctx;
    f->pages_in_use -= count;
    free(pages);
}

static uint32_t fake_random(void *ctx)
{
    struct fake_hal *f = ctx;
    f->random_state = f->random_state * 1664525u + 1013904223u;
    return f->random_state;
}

static void fake_trace(void *ctx, const struct hal_trace_event *ev)
{
    struct fake_hal *f = ctx;
    f->trace_total++;
    if (ev->type < HAL_TRACE_TYPE_COUNT) {
        f->trace_counts[ev->type]++;
        f->last_of[ev->type] = *ev;
        f->last_at[ev->type] = f->trace_total;
    }
    if (ev->type == HAL_TRACE_FAULT)
        f->last_fault = *ev;
}

static int fake_lookup(void *ctx, const char *name, uint32_t name_len,
                       const uint8_t **image, uint32_t *size)
{
    (void)ctx;
    const struct user_program *p = user_program_find(name, name_len);
    if (p == NULL)
        return HAL_ERR_NOT_FOUND;
    *image = p->image;
    *size = p->size;
    return HAL_OK;
}

static uint32_t no_disk_block_size(void *ctx) { (void)ctx; return HAL_DISK_BLOCK_BYTES; }
static uint64_t no_disk_block_count(void *ctx) { (void)ctx; return 0; }
static int no_disk_submit(void *ctx, uint32_t id, enum hal_disk_op op, uint64_t first, uint32_t count,
                          void *buf)
{
    (void)ctx; (void)id; (void)op; (void)first; (void)count; (void)buf;
    return HAL_ERR_INVALID;
}

static const struct hal_clock_ops clock_ops = {fake_now};
static uint32_t fake_nvram_read(void *ctx, uint32_t word)
{
    return ((struct fake_hal *)ctx)->nvram[word];
}

static void fake_nvram_write(void *ctx, uint32_t word, uint32_t value)
{
    ((struct fake_hal *)ctx)->nvram[word] = value;
}

/* Record the failure; leave the kernel by the test's jump if it set one,
 * else abort so an unexpected KASSERT fails the test loudly. */
static void fake_assert_failed(void *ctx, const struct hal_assert *a)
{
    struct fake_hal *f = ctx;
    f->asserts++;
    f->last_assert = *a;
    fprintf(stderr, "fake HAL: node %u: KASSERT failed at %s:%u: %s\n", (unsigned)a->node, a->file,
            (unsigned)a->line, a->expr);
    if (f->assert_jump == NULL)
        abort();
    longjmp(*f->assert_jump, 1);
}

static const struct hal_net_ops net_ops = {fake_send, fake_get_mac};
static const struct hal_disk_ops disk_ops = {no_disk_block_size, no_disk_block_count, no_disk_submit};
static const struct hal_console_ops console_ops = {fake_console};
static const struct hal_mem_ops mem_ops = {fake_alloc_pages, fake_free_pages};
static const struct hal_random_ops random_ops = {fake_random};
static const struct hal_trace_ops trace_ops = {fake_trace};
static const struct hal_program_ops program_ops = {.lookup = fake_lookup};
static const struct hal_nvram_ops nvram_ops = {fake_nvram_read, fake_nvram_write};
static const struct hal_panic_ops panic_ops = {fake_assert_failed};

void fake_hal_init(struct fake_hal *f, uint16_t node)
{
    memset(f, 0, sizeof *f);
    f->hal = (struct hal){f, &clock_ops, &net_ops, &disk_ops, NULL, &console_ops,
                          &mem_ops, &random_ops, &trace_ops, &program_ops, &nvram_ops, &panic_ops};
    uint8_t mac[6] = {0x02, 0, 0, 0, (uint8_t)(node >> 8), (uint8_t)node};
    memcpy(f->mac, mac, 6);
    f->random_state = 12345u + node;
}

uint32_t fake_hal_pop_frame(struct fake_hal *f, uint8_t *out)
{
    if (f->frame_count == 0)
        return 0;
    uint32_t len = f->frames[0].len;
    memcpy(out, f->frames[0].bytes, len);
    f->frame_count--;
    memmove(&f->frames[0], &f->frames[1], f->frame_count * sizeof f->frames[0]);
    return len;
}
