/*
 * session.c - the transport's session table, message lists and timer
 * list (see session.h). Data structures only: no packet is sent here.
 */
#include "session.h"

#include "bytes.h"
#include "cluster.h"
#include "kassert.h"
#include "kernel_priv.h"
#include "net.h"

#define SESSION_BUCKETS_INITIAL 16u
#define SESSION_BUCKETS_MAX 65536u /* one per possible node: chains stay short */

/* Fibonacci hashing: node ids are small and often dense, and the high
 * bits of the product spread any pattern of them over the buckets. */
static uint32_t session_bucket(const struct transport *t, uint16_t node)
{
    return (((uint32_t)node * 0x9E3779B1u) >> 16) & (t->bucket_count - 1u);
}

int session_table_init(struct kernel *k)
{
    struct transport *t = k->transport;
    t->buckets = kalloc(k, SESSION_BUCKETS_INITIAL * sizeof *t->buckets);
    if (t->buckets == NULL)
        return ERR_NO_MEMORY;
    t->bucket_count = SESSION_BUCKETS_INITIAL;
    return 0;
}

void session_table_destroy(struct kernel *k)
{
    struct transport *t = k->transport;
    for (uint32_t b = 0; b < t->bucket_count; b++) {
        while (t->buckets[b] != NULL) {
            struct session *s = t->buckets[b];
            t->buckets[b] = s->hash_next;
            session_free_messages(k, s);
            kfree(k, s, sizeof *s);
        }
    }
    kfree(k, t->buckets, t->bucket_count * sizeof *t->buckets);
    t->buckets = NULL;
    t->bucket_count = 0;
}

static uint32_t tmsg_list_bytes(const struct tmsg *m)
{
    uint32_t bytes = 0;
    for (; m != NULL; m = m->next)
        bytes += (uint32_t)sizeof *m + m->capacity;
    return bytes;
}

uint32_t session_table_bytes(const struct transport *t)
{
    uint32_t bytes = t->bucket_count * (uint32_t)sizeof *t->buckets;
    for (uint32_t b = 0; b < t->bucket_count; b++)
        for (const struct session *s = t->buckets[b]; s != NULL; s = s->hash_next)
            bytes += (uint32_t)sizeof *s + tmsg_list_bytes(s->head) + tmsg_list_bytes(s->early);
    return bytes;
}

struct session *session_find(const struct transport *t, uint16_t node)
{
    struct session *s = t->buckets[session_bucket(t, node)];
    while (s != NULL && s->node != node)
        s = s->hash_next;
    return s;
}

/* Double the buckets. Out of memory is no failure: chains just grow. */
static void session_table_grow(struct kernel *k)
{
    struct transport *t = k->transport;
    uint32_t count = t->bucket_count * 2u;
    struct session **fresh = kalloc(k, count * sizeof *fresh);
    if (fresh == NULL)
        return;
    struct session **old = t->buckets;
    uint32_t old_count = t->bucket_count;
    t->buckets = fresh;
    t->bucket_count = count;
    for (uint32_t b = 0; b < old_count; b++) {
        while (old[b] != NULL) {
            struct session *s = old[b];
            old[b] = s->hash_next;
            uint32_t nb = session_bucket(t, s->node);
            s->hash_next = fresh[nb];
            fresh[nb] = s;
        }
    }
    kfree(k, old, old_count * sizeof *old);
}

static void session_init_fields(struct session *s, uint16_t node, uint32_t peer_ipv4)
{
    s->node = node;
    s->peer_ipv4 = peer_ipv4;
    s->next_seq = 1;
    s->rcv_next = 1;
    s->deadline_ns = HAL_TIME_NEVER;
}

struct session *session_get(struct kernel *k, uint16_t node)
{
    struct transport *t = k->transport;
    struct session *s = session_find(t, node);
    if (s != NULL)
        return s;
    s = kalloc(k, sizeof *s);
    if (s == NULL)
        return NULL;
    session_init_fields(s, node, netstack_node_ipv4(k, node));
    uint32_t b = session_bucket(t, node);
    s->hash_next = t->buckets[b];
    t->buckets[b] = s;
    t->session_count++;
    if (t->session_count > t->bucket_count && t->bucket_count < SESSION_BUCKETS_MAX)
        session_table_grow(k);
    return s;
}

struct tmsg *tmsg_alloc(struct kernel *k, uint32_t len)
{
    uint32_t capacity = len < CLUSTER_SKIP_PAYLOAD_BYTES ? CLUSTER_SKIP_PAYLOAD_BYTES : len;
    struct tmsg *m = kalloc(k, (uint32_t)sizeof *m + capacity);
    if (m == NULL)
        return NULL;
    m->capacity = (uint16_t)capacity;
    m->len = (uint16_t)len;
    return m;
}

void tmsg_free(struct kernel *k, struct tmsg *m)
{
    KASSERT(k, m->len <= m->capacity);
    kfree(k, m, (uint32_t)sizeof *m + m->capacity);
}

void session_append(struct session *s, struct tmsg *m)
{
    m->next = NULL;
    if (s->tail != NULL)
        s->tail->next = m;
    else
        s->head = m;
    s->tail = m;
    if (s->unsent == NULL)
        s->unsent = m;
    s->queued++;
}

struct tmsg *session_pop(struct session *s)
{
    struct tmsg *m = s->head;
    if (m == NULL)
        return NULL;
    if (s->unsent == m)
        s->unsent = m->next;
    else
        s->inflight--;
    s->head = m->next;
    if (s->head == NULL)
        s->tail = NULL;
    s->queued--;
    return m;
}

void session_free_early(struct kernel *k, struct session *s)
{
    struct tmsg *m;
    while ((m = s->early) != NULL) {
        s->early = m->next;
        tmsg_free(k, m);
    }
    s->early_count = 0;
}

void session_free_messages(struct kernel *k, struct session *s)
{
    struct tmsg *m;
    while ((m = session_pop(s)) != NULL)
        tmsg_free(k, m);
    session_free_early(k, s);
}

int session_hold_early(struct session *s, struct tmsg *m)
{
    if (s->early_count >= TRANSPORT_WINDOW)
        return -1;
    struct tmsg **at = &s->early;
    while (*at != NULL && (*at)->seq < m->seq)
        at = &(*at)->next;
    if (*at != NULL && (*at)->seq == m->seq)
        return -1;
    m->next = *at;
    *at = m;
    s->early_count++;
    return 0;
}

struct tmsg *session_take_early(struct session *s)
{
    struct tmsg *m = s->early;
    if (m == NULL || m->seq > s->rcv_next)
        return NULL;
    s->early = m->next;
    s->early_count--;
    return m;
}

void session_arm(struct transport *t, struct session *s, uint64_t deadline_ns)
{
    s->deadline_ns = deadline_ns;
    if (s->armed)
        return;
    s->armed = 1;
    s->timer_next = NULL;
    if (t->armed_tail != NULL)
        t->armed_tail->timer_next = s;
    else
        t->armed_head = s;
    t->armed_tail = s;
}

/* The armed list is singly linked to keep sessions small: finding the
 * predecessor walks it, as transport_next_deadline does anyway. */
void session_disarm(struct transport *t, struct session *s)
{
    s->deadline_ns = HAL_TIME_NEVER;
    if (!s->armed)
        return;
    s->armed = 0;
    struct session *prev = NULL;
    for (struct session *at = t->armed_head; at != s; at = at->timer_next)
        prev = at;
    if (prev != NULL)
        prev->timer_next = s->timer_next;
    else
        t->armed_head = s->timer_next;
    if (t->armed_tail == s)
        t->armed_tail = prev;
    s->timer_next = NULL;
}
