/*
 * balance.c - the balancer's life and clock: two periodic jobs per node,
 * the load exchange (balance_sync.c) and the balance decision, plus the
 * dispatch of BALANCE messages. docs/balancing.md has the rules.
 *
 * Each balance period an overloaded node sheds its excess over the
 * cluster's mean load (balance_moves_wanted: at least one process, at most
 * BALANCE_MAX_MOVES_PER_PERIOD): it chooses processes one by one
 * (balance_choose.c) and hands each to its policy. A
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
    return now + 1u + kernel_random_below(k, span);
}

/* The balancer's state: made at boot on a node that balances, and on any
 * other node when the first balancing message reaches it (every node
 * answers probes and offers), so a node left alone holds none. */
struct balance_state *balance_state_get(struct kernel *k)
{
    if (k->balance != NULL)
        return k->balance;
    struct balance_state *b = kalloc(k, sizeof *b);
    if (b == NULL)
        return NULL;
    k->balance = b;
    loadinfo_init(&b->table);
    b->next_exchange_ns = HAL_TIME_NEVER;
    b->next_balance_ns = HAL_TIME_NEVER;
    b->next_retry_ns = HAL_TIME_NEVER;
    return b;
}

int balance_init(struct kernel *k)
{
    if (!balancing_enabled(k))
        return 0;
    struct balance_state *b = balance_state_get(k);
    if (b == NULL)
        return ERR_NO_MEMORY;
    uint64_t now = kernel_now(k);
    b->next_exchange_ns = first_deadline(k, now, k->balance_cfg.exchange_period_ns);
    b->next_balance_ns = first_deadline(k, now, k->balance_cfg.period_ns);
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
    if (b == NULL)
        return HAL_TIME_NEVER;
    uint64_t next = balance_accepts_deadline(k);
    if (balancing_enabled(k))
        next = earliest(next, earliest(b->next_exchange_ns, earliest(b->next_balance_ns, b->next_retry_ns)));
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

/* A probe or offer of the current batch has ended. The batch as a whole
 * decides the back-off once its last request ends: one success is enough
 * (the node found room for part of its excess); only a batch that found
 * nobody anywhere backs off. A batch of one behaves as one request did. */
void balance_request_settled(struct kernel *k, enum balance_outcome outcome)
{
    struct balance_state *b = k->balance;
    b->batch_won |= outcome == BALANCE_OUTCOME_SUCCESS;
    b->batch_futile |= outcome == BALANCE_OUTCOME_FUTILE;
    if (b->batch_open > 0 && --b->batch_open > 0)
        return;
    if (b->batch_won)
        balance_note_success(k);
    else if (b->batch_futile)
        balance_note_futile(k);
    b->batch_won = b->batch_futile = false;
}

struct balance_pending *balance_free_request(struct kernel *k)
{
    for (uint32_t i = 0; i < BALANCE_MAX_MOVES_PER_PERIOD; i++)
        if (k->balance->pending[i].kind == BALANCE_PENDING_NONE)
            return &k->balance->pending[i];
    return NULL;
}

struct balance_pending *balance_find_request(struct kernel *k, uint8_t kind, uint32_t id)
{
    for (uint32_t i = 0; i < BALANCE_MAX_MOVES_PER_PERIOD; i++)
        if (k->balance->pending[i].kind == kind && k->balance->pending[i].id == id)
            return &k->balance->pending[i];
    return NULL;
}

bool balance_has_request(const struct kernel *k, uint8_t kind)
{
    for (uint32_t i = 0; i < BALANCE_MAX_MOVES_PER_PERIOD; i++)
        if (k->balance->pending[i].kind == kind)
            return true;
    return false;
}

/* Is a request out for `pid`? Then it is not chosen a second time. */
bool balance_pid_pending(const struct kernel *k, uint32_t pid)
{
    for (uint32_t i = 0; i < BALANCE_MAX_MOVES_PER_PERIOD; i++)
        if (k->balance->pending[i].kind != BALANCE_PENDING_NONE && k->balance->pending[i].pid == pid)
            return true;
    return false;
}

/* Requests whose time is up: a probe decides on the answers it has, an
 * offer lapses (a later ACCEPT is released), a move still waiting for the
 * Dispatcher is given up. */
static void expire_pending(struct kernel *k, uint64_t now)
{
    for (uint32_t i = 0; i < BALANCE_MAX_MOVES_PER_PERIOD; i++) {
        struct balance_pending *q = &k->balance->pending[i];
        if (q->kind == BALANCE_PENDING_NONE || q->deadline_ns > now)
            continue;
        if (q->kind == BALANCE_PENDING_PROBE) {
            balance_probe_finish(k, q);
        } else if (q->kind == BALANCE_PENDING_OFFER) {
            q->kind = BALANCE_PENDING_NONE;
            balance_request_settled(k, BALANCE_OUTCOME_FUTILE); /* nobody accepted */
        } else {
            balance_drop_request(k, q);
        }
    }
}

/* Hand p to the policy. False when nothing was decided or asked for p:
 * the node stops shedding for this period. `cap_milli`: see mosix. */
static bool start_move(struct kernel *k, struct proc *p, uint32_t load_milli, uint32_t cap_milli)
{
    switch (k->balance_cfg.policy) {
    case HAL_BALANCE_RANDOM: return balance_random_decide(k, p, load_milli);
    case HAL_BALANCE_OFFER: return balance_offer_prepare(k, p, load_milli);
    case HAL_BALANCE_TWO_CHOICES: return balance_probe_start(k, p);
    case HAL_BALANCE_MOSIX: return balance_mosix_decide(k, p, load_milli, cap_milli);
    default: return false;
    }
}

/* How many processes to shed now. random consults no load, so it cannot
 * know the excess: one per period, the baseline as it always was. */
static uint32_t moves_wanted(const struct kernel *k, uint32_t load_milli)
{
    if (k->balance_cfg.policy == HAL_BALANCE_RANDOM)
        return 1u;
    return balance_moves_wanted(k, load_milli);
}

/* Still overloaded at `load`, by the hysteresis rule (update_overloaded)? */
static bool above_band(const struct kernel *k, uint32_t load_milli)
{
    const struct balance_config *c = &k->balance_cfg;
    return (uint64_t)load_milli + c->hysteresis_milli >= c->threshold_milli;
}

/* Shed up to the excess, one process at a time. After each move or
 * request the load is what it will be once they succeed (a process
 * moving away no longer counts; an offered or probed one will not), and
 * shedding stops when that falls below the hysteresis band or to the
 * last runnable process, as it would have over several periods. */
static void shed(struct kernel *k, uint64_t now, uint32_t load_milli)
{
    uint32_t want = moves_wanted(k, load_milli), asked = 0;
    uint32_t load = load_milli, mean = balance_mean_milli(k, load_milli);
    while (asked < want && load > BALANCE_KEEP_MILLI && above_band(k, load) && balance_free_request(k) != NULL) {
        struct proc *p = balance_choose_process(k, now);
        if (p == NULL || !start_move(k, p, load, asked == 0 ? UINT32_MAX : mean))
            break;
        asked++;
        uint32_t measured = balance_local_load_milli(k);
        uint32_t projected = load_milli - (asked * 1000u < load_milli ? asked * 1000u : load_milli);
        load = measured < projected ? measured : projected;
    }
    if (k->balance_cfg.policy == HAL_BALANCE_OFFER && asked > 0)
        balance_offer_send(k, load_milli);
}

/* A new batch starts only once the last one's probes and offers are
 * settled (each lasts at most one period), so decisions never act on
 * news older than the moves they started. */
static void balance_tick(struct kernel *k, uint64_t now)
{
    struct balance_state *b = k->balance;
    expire_pending(k, now);
    loadinfo_expire(&b->table, balance_table_since_ns(k));
    uint32_t load = balance_local_load_milli(k);
    update_overloaded(k, load);
    bool idle = !balance_has_request(k, BALANCE_PENDING_PROBE) && !balance_has_request(k, BALANCE_PENDING_OFFER) &&
                now >= b->quiet_until_ns;
    if (b->overloaded && load > BALANCE_KEEP_MILLI && idle)
        shed(k, now, load);
    balance_reset_windows(k);
}

void balance_on_timer(struct kernel *k)
{
    struct balance_state *b = k->balance;
    if (b == NULL)
        return; /* no state: nothing reserved, nothing to report */
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
    if (now >= b->next_retry_ns)
        balance_retry_ready(k, now);
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
    if (balance_state_get(k) == NULL)
        return; /* no memory: as if lost (a request lapses at its sender) */
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
