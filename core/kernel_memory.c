/*
 * kernel_memory.c - what a node's kernel holds, part by part
 * (kernel_memory in kernel.h): for the simulator's memory figures and
 * the test that keeps an idle node within its budget.
 */
#include "balance_priv.h"
#include "kernel_priv.h"
#include "location.h"
#include "migrate_priv.h"
#include "netstack_priv.h"
#include "proc.h"
#include "session.h"
#include "stock_priv.h"

static uint32_t pages_bytes(uint32_t bytes)
{
    return (bytes + PAGE_SIZE - 1u) / PAGE_SIZE * PAGE_SIZE;
}

/* The Stockholder's struct, its store's buffers and its block cache. */
static uint32_t stock_bytes(const struct stock *st)
{
    if (st == NULL)
        return 0;
    uint32_t bytes = pages_bytes((uint32_t)sizeof *st);
    if (st->bufs != NULL)
        bytes += pages_bytes(STOCK_STORE_BUFS * (uint32_t)sizeof *st->bufs);
    if (st->slot_pages != NULL)
        bytes += STOCK_CACHE_BLOCKS * PAGE_SIZE;
    return bytes;
}

static void count_processes(const struct kernel *k, struct kernel_memory *out)
{
    for (uint32_t i = 0; i < KERNEL_MAX_PROCS; i++) {
        const struct proc *p = k->procs[i];
        if (p == NULL)
            continue;
        out->processes++;
        out->process_bytes += (uint32_t)sizeof *p + vm_memory_bytes(&p->vm);
    }
}

void kernel_memory(const struct kernel *k, struct kernel_memory *out)
{
    *out = (struct kernel_memory){0};
    uint32_t own_pages = ((uint32_t)sizeof *k + PAGE_SIZE - 1u) / PAGE_SIZE;
    out->hal_pages = own_pages + k->stats.pages_in_use;
    kalloc_usage(k, &out->heap_pages, &out->heap_free_bytes);
    out->kernel_bytes = (uint32_t)sizeof *k;
    out->net_bytes = netstack_memory_bytes(k);
    if (k->transport != NULL) {
        out->transport_bytes = (uint32_t)sizeof *k->transport + session_table_bytes(k->transport);
        out->sessions = k->transport->session_count;
    }
    out->location_bytes = location_memory_bytes(k);
    out->migrate_bytes = k->migrate != NULL ? (uint32_t)sizeof *k->migrate : 0u;
    out->balance_bytes = k->balance != NULL ? (uint32_t)sizeof *k->balance : 0u;
    out->stock_bytes = stock_bytes(k->stock);
    count_processes(k, out);
}
