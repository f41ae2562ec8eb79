/*
 * balance.c - the balancer's life and clock: two periodic jobs per node,
 * the load exchange (balance_sync.c) and the balance decision, plus the
 * dispatch of BALANCE messages. docs/balancing.md has the rules.
 *
 * Each balance period an overloaded node starts at most one move: it
 * chooses one process (balance_choose.c) and hands it to its policy. A
 * node is overloaded once its load exceeds threshold and stays so until
 * the load falls below threshold - hysteresis, so a load hovering near
 * the threshold does not switch balancing on and off every period.
 */
#include "balance.h"

#include "balance_priv.h"
#include "kernel_priv.h"
#include "proc.h"

static bool balancing_enabled(const struct kernel *k)
{
    return k->balance_cfg.policy != HAL_BALANCE_NONE && k->balance_cfg.policy < HAL_BALANCE_COUNT &&
           k->node_count > 1;
}

/* A random phase within one period, so nodes booted together do not all
 * report and decide at the same instant. */
static uint64_t first_deadline(struct kernel *k, uint64_t now, uint64_t period_ns)
{
    uint32_t span = period_ns < UINT32_MAX ? (uint32_t)period_ns : UINT32_MAX;
    return now + 1u + balance_random_below(k, span);
}

int balance_init(struct kernel *k)
{
    struct balance_state *b = kalloc(k, sizeof *b);
    if (b == NULL)
        return ERR_NO_MEMORY;
    k->balance = b;
    loadinfo_init(&b->table);
    b->next_exchange_ns = HAL_TIME_NEVER;
    b->next_balance_ns = HAL_TIME_NEVER;
    if (balancing_enabled(k)) {
        uint64_t now = kernel_now(k);
        b->next_exchange_ns = first_deadline(k, now, k->balance_cfg.exchange_period_ns);
        b->next_balance_ns = first_deadline(k, now, k->balance_cfg.period_ns);
    }
    return 0;
}

void balance_destroy(struct kernel *k)
{
    kfree(k, k->balance, sizeof *k->balance);
    k->balance = NULL;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Delayed ACCEPTs are due whatever the local policy; the periodic jobs
 * only when this node balances. */
uint64_t balance_next_deadline(const struct kernel *k)
{
    const struct balance_state *b = k->balance;
    uint64_t next = balance_accepts_deadline(k);
    if (balancing_enabled(k))
        next = earliest(next, earliest(b->next_exchange_ns, b->next_balance_ns));
    return next;
}

/* The next point of a fixed grid after `now`, skipping missed ones. */
static uint64_t next_on_grid(uint64_t due, uint64_t period_ns, uint64_t now)
{
    return due + ((now - due) / period_ns + 1u) * period_ns;
}

static void update_overloaded(struct kernel *k, uint32_t load_milli)
{
    struct balance_state *b = k->balance;
    const struct balance_config *c = &k->balance_cfg;
    if (load_milli > c->threshold_milli)
        b->overloaded = true;
    else if ((uint64_t)load_milli + c->hysteresis_milli < c->threshold_milli)
        b->overloaded = false;
}

/* A request found no peer: wait twice as long as last time (bounded). */
void balance_note_futile(struct kernel *k)
{
    struct balance_state *b = k->balance;
    uint32_t periods = 1u << (b->futile < 31u ? b->futile : 31u);
    if (periods >= BALANCE_BACKOFF_MAX_PERIODS)
        periods = BALANCE_BACKOFF_MAX_PERIODS;
    else
        b->futile++;
    b->quiet_until_ns = kernel_now(k) + periods * k->balance_cfg.period_ns;
    b->count.backoffs++;
}

void balance_note_success(struct kernel *k)
{
    k->balance->futile = 0;
}

/* A request whose time is up: a probe decides on the answers it has, an
 * offer lapses (a later ACCEPT is released). */
static void expire_pending(struct kernel *k, uint64_t now)
{
    struct balance_pending *q = &k->balance->pending;
    if (q->kind == BALANCE_PENDING_NONE || q->deadline_ns > now)
        return;
    if (q->kind == BALANCE_PENDING_PROBE) {
        balance_probe_finish(k);
        return;
    }
    q->kind = BALANCE_PENDING_NONE;
    balance_note_futile(k); /* nobody accepted the offer */
}

static void start_move(struct kernel *k, struct proc *p, uint32_t load_milli)
{
    switch (k->balance_cfg.policy) {
    case HAL_BALANCE_RANDOM: balance_random_decide(k, p, load_milli); break;
    case HAL_BALANCE_OFFER: balance_offer_start(k, p, load_milli); break;
    case HAL_BALANCE_TWO_CHOICES: balance_probe_start(k, p); break;
    case HAL_BALANCE_MOSIX: balance_mosix_decide(k, p, load_milli); break;
    default: break;
    }
}

static void balance_tick(struct kernel *k, uint64_t now)
{
    struct balance_state *b = k->balance;
    expire_pending(k, now);
    loadinfo_expire(&b->table, balance_table_since_ns(k));
    uint32_t load = balance_local_load_milli(k);
    update_overloaded(k, load);
    bool idle = b->pending.kind == BALANCE_PENDING_NONE && now >= b->quiet_until_ns;
    if (b->overloaded && load > BALANCE_KEEP_MILLI && idle) {
        struct proc *p = balance_choose_process(k, now);
        if (p != NULL)
            start_move(k, p, load);
    }
    balance_reset_windows(k);
}

void balance_on_timer(struct kernel *k)
{
    struct balance_state *b = k->balance;
    const struct balance_config *c = &k->balance_cfg;
    uint64_t now = kernel_now(k);
    /* Platforms call kernel_on_timer before kernel_run, so a reserved
     * process that arrived is seen here before it can run (and exit). */
    balance_count_reservations(k, now);
    balance_send_due_accepts(k, now);
    if (!balancing_enabled(k))
        return;
    if (now >= b->next_exchange_ns) {
        balance_send_reports(k);
        b->next_exchange_ns = next_on_grid(b->next_exchange_ns, c->exchange_period_ns, now);
    }
    if (now >= b->next_balance_ns) {
        balance_tick(k, now);
        b->next_balance_ns = next_on_grid(b->next_balance_ns, c->period_ns, now);
    }
}

static uint32_t message_bytes(uint8_t type)
{
    switch (type) {
    case BALANCE_MSG_LOAD: return BALANCE_LOAD_BYTES;
    case BALANCE_MSG_PROBE: return BALANCE_PROBE_BYTES;
    case BALANCE_MSG_PROBE_REPLY: return BALANCE_PROBE_REPLY_BYTES;
    case BALANCE_MSG_OFFER: return BALANCE_OFFER_BYTES;
    case BALANCE_MSG_ACCEPT: return BALANCE_ACCEPT_BYTES;
    case BALANCE_MSG_RELEASE: return BALANCE_RELEASE_BYTES;
    default: return 0;
    }
}

/* Every node answers probes and offers and keeps the loads it hears,
 * whatever its own policy: the policy only governs its own overload. */
void balance_on_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload,
                        uint32_t len)
{
    uint32_t expected = message_bytes(type);
    if (expected == 0 || len != expected) {
        k->balance->count.bad_messages++;
        k->stats.frames_bad++;
        return;
    }
    switch (type) {
    case BALANCE_MSG_LOAD: balance_on_load(k, src_node, payload); break;
    case BALANCE_MSG_PROBE: balance_on_probe(k, src_node, payload); break;
    case BALANCE_MSG_PROBE_REPLY: balance_on_probe_reply(k, src_node, payload); break;
    case BALANCE_MSG_OFFER: balance_on_offer(k, src_node, payload); break;
    case BALANCE_MSG_ACCEPT: balance_on_accept(k, src_node, payload); break;
    case BALANCE_MSG_RELEASE: balance_on_release(k, src_node, payload); break;
    default: break;
    }
}
