/* exit_notice.c - see exit_notice.h. */
#include "exit_notice.h"

#include "ipc.h"
#include "kernel_priv.h"
#include "location.h"

struct exit_notice {
    uint32_t send_id; /* 0: slot free */
    uint32_t parent, child;
    int32_t status;
    uint16_t via; /* the node it went to last */
    uint8_t tries;
    uint64_t due_ns; /* send again then, unless answered */
};

struct exit_notices {
    struct exit_notice slot[EXIT_NOTICE_MAX];
    uint32_t pending; /* slots in use: none, and no timer is needed */
};

static void send(struct kernel *k, struct exit_notice *n)
{
    n->tries++;
    n->due_ns = kernel_now(k) + EXIT_NOTICE_RETRY_NS;
    n->via = ipc_send_child_exit(k, n->parent, n->child, n->status, n->send_id);
}

void exit_notice_send(struct kernel *k, uint32_t parent, uint32_t child, int32_t status)
{
    if (k->exit_notices == NULL)
        k->exit_notices = kalloc(k, sizeof *k->exit_notices);
    struct exit_notice *n = NULL;
    for (uint32_t i = 0; k->exit_notices != NULL && i < EXIT_NOTICE_MAX && n == NULL; i++)
        if (k->exit_notices->slot[i].send_id == 0)
            n = &k->exit_notices->slot[i];
    if (n == NULL) { /* no room to keep it: sent once, as a plain message is */
        (void)ipc_send_child_exit(k, parent, child, status, 0);
        return;
    }
    *n = (struct exit_notice){
        .send_id = ipc_next_send_id(k), .parent = parent, .child = child, .status = status};
    k->exit_notices->pending++;
    send(k, n);
}

static struct exit_notice *notice_of(struct kernel *k, uint32_t send_id)
{
    for (uint32_t i = 0; k->exit_notices != NULL && i < EXIT_NOTICE_MAX; i++)
        if (k->exit_notices->slot[i].send_id == send_id)
            return &k->exit_notices->slot[i];
    return NULL;
}

/* Whether any notice waits (most nodes keep none, and the timer paths
 * below run after every event). */
static bool keeps_any(const struct kernel *k)
{
    return k->exit_notices != NULL && k->exit_notices->pending > 0;
}

static void release(struct kernel *k, struct exit_notice *n)
{
    n->send_id = 0;
    k->exit_notices->pending--;
}

/* Again, or given up after EXIT_NOTICE_TRIES. */
static void retry(struct kernel *k, struct exit_notice *n)
{
    if (n->tries < EXIT_NOTICE_TRIES)
        send(k, n);
    else
        release(k, n);
}

bool exit_notice_on_result(struct kernel *k, uint32_t send_id, int32_t status)
{
    struct exit_notice *n = send_id != 0 ? notice_of(k, send_id) : NULL;
    if (n == NULL)
        return false;
    /* Not there (yet: the parent may be arriving from a move), or no room
     * on the way: at the next retry. Delivered: done. */
    if (status == 0)
        release(k, n);
    return true;
}

void exit_notice_on_peer_reset(struct kernel *k, uint16_t node)
{
    for (uint32_t i = 0; keeps_any(k) && i < EXIT_NOTICE_MAX; i++) {
        struct exit_notice *n = &k->exit_notices->slot[i];
        if (n->send_id != 0 && n->via == node)
            retry(k, n);
    }
}

void exit_notice_on_timer(struct kernel *k)
{
    uint64_t now = kernel_now(k);
    for (uint32_t i = 0; keeps_any(k) && i < EXIT_NOTICE_MAX; i++) {
        struct exit_notice *n = &k->exit_notices->slot[i];
        if (n->send_id != 0 && n->due_ns <= now)
            retry(k, n);
    }
}

uint64_t exit_notice_next_deadline(const struct kernel *k)
{
    uint64_t next = HAL_TIME_NEVER;
    for (uint32_t i = 0; keeps_any(k) && i < EXIT_NOTICE_MAX; i++)
        if (k->exit_notices->slot[i].send_id != 0 && k->exit_notices->slot[i].due_ns < next)
            next = k->exit_notices->slot[i].due_ns;
    return next;
}

void exit_notice_destroy(struct kernel *k)
{
    if (k->exit_notices != NULL)
        kfree(k, k->exit_notices, sizeof *k->exit_notices);
    k->exit_notices = NULL;
}
