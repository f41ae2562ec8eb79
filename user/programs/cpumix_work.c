/*
 * cpumix_work.c - the benchmark mix's kernels (cpumix_work.h). Each round
 * draws fresh input from a xorshift generator seeded by the round number
 * and folds its result into its kernel's checksum, so every instruction
 * counts towards the report.
 */
#include "cpumix_work.h"

#define SORT_ITEMS 200u
#define CRC_BYTES 600u
#define MATRIX_N 10u
#define LIST_NODES 120u
#define STATE_BYTES 700u

static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static uint32_t fold(uint32_t h, uint32_t v)
{
    return (h ^ v) * 0x01000193u;
}

/* ---- Sorting: quicksort down to short runs, then insertion sort ---- */

static void insertion_sort(uint32_t *a, int32_t lo, int32_t hi)
{
    for (int32_t i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        int32_t j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quick_sort(uint32_t *a, int32_t lo, int32_t hi)
{
    while (hi - lo > 8) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        int32_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        /* Recurse into the smaller side, loop on the larger. */
        if (j - lo < hi - i) {
            quick_sort(a, lo, j);
            lo = i;
        } else {
            quick_sort(a, i, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

static uint32_t sort_round(uint32_t seed)
{
    static uint32_t items[SORT_ITEMS];
    for (uint32_t i = 0; i < SORT_ITEMS; i++)
        items[i] = rng_next(&seed) % 5000u; /* duplicates on purpose */
    quick_sort(items, 0, (int32_t)SORT_ITEMS - 1);
    uint32_t h = 0;
    for (uint32_t i = 0; i < SORT_ITEMS; i++) {
        if (i > 0 && items[i - 1] > items[i])
            h ^= 0xdeadu; /* not sorted: the checksum shows it */
        h = fold(h, items[i]);
    }
    return h;
}

/* ---- CRC-32 (IEEE 802.3, reflected), by table and bit by bit ---- */

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256u; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc_by_table(const uint8_t *p, uint32_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xFFu] ^ (c >> 8);
    return ~c;
}

static uint32_t crc_by_bits(const uint8_t *p, uint32_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static uint32_t crc_round(uint32_t seed)
{
    static uint8_t bytes[CRC_BYTES];
    for (uint32_t i = 0; i < CRC_BYTES; i++)
        bytes[i] = (uint8_t)rng_next(&seed);
    uint32_t t = crc_by_table(bytes, CRC_BYTES);
    uint32_t b = crc_by_bits(bytes, CRC_BYTES / 8u);
    return fold(t, b);
}

/* ---- Matrix multiply, 32-bit integers ---- */

static uint32_t matrix_round(uint32_t seed)
{
    static int32_t a[MATRIX_N][MATRIX_N], b[MATRIX_N][MATRIX_N], c[MATRIX_N][MATRIX_N];
    for (uint32_t i = 0; i < MATRIX_N; i++) {
        for (uint32_t j = 0; j < MATRIX_N; j++) {
            a[i][j] = (int32_t)(rng_next(&seed) % 2001u) - 1000;
            b[i][j] = (int32_t)(rng_next(&seed) % 2001u) - 1000;
        }
    }
    for (uint32_t i = 0; i < MATRIX_N; i++) {
        for (uint32_t j = 0; j < MATRIX_N; j++) {
            int32_t sum = 0;
            for (uint32_t k = 0; k < MATRIX_N; k++)
                sum += a[i][k] * b[k][j];
            c[i][j] = sum;
        }
    }
    uint32_t h = 0;
    for (uint32_t i = 0; i < MATRIX_N; i++)
        for (uint32_t j = 0; j < MATRIX_N; j++)
            h = fold(h, (uint32_t)c[i][j]);
    return h;
}

/* ---- Linked lists: build, merge sort, reverse, delete, search ---- */

struct node {
    struct node *next;
    uint32_t key;
};

static struct node *list_merge(struct node *a, struct node *b)
{
    struct node head, *tail = &head;
    while (a != 0 && b != 0) {
        if (a->key <= b->key) {
            tail->next = a;
            a = a->next;
        } else {
            tail->next = b;
            b = b->next;
        }
        tail = tail->next;
    }
    tail->next = a != 0 ? a : b;
    return head.next;
}

static struct node *list_sort(struct node *l)
{
    if (l == 0 || l->next == 0)
        return l;
    struct node *slow = l, *fast = l->next;
    while (fast != 0 && fast->next != 0) {
        slow = slow->next;
        fast = fast->next->next;
    }
    struct node *second = slow->next;
    slow->next = 0;
    return list_merge(list_sort(l), list_sort(second));
}

static struct node *list_reverse(struct node *l)
{
    struct node *prev = 0;
    while (l != 0) {
        struct node *next = l->next;
        l->next = prev;
        prev = l;
        l = next;
    }
    return prev;
}

/* Unlink every node whose key is divisible by `by`; how many went. */
static uint32_t list_delete_multiples(struct node **l, uint32_t by)
{
    uint32_t gone = 0;
    for (struct node **at = l; *at != 0;) {
        if ((*at)->key % by == 0) {
            *at = (*at)->next;
            gone++;
        } else {
            at = &(*at)->next;
        }
    }
    return gone;
}

static uint32_t list_position(const struct node *l, uint32_t key)
{
    uint32_t pos = 0;
    for (; l != 0; l = l->next, pos++)
        if (l->key == key)
            return pos;
    return UINT32_MAX;
}

static uint32_t list_round(uint32_t seed)
{
    static struct node pool[LIST_NODES];
    struct node *l = 0;
    for (uint32_t i = 0; i < LIST_NODES; i++) {
        pool[i].key = rng_next(&seed) % 1000u;
        pool[i].next = l;
        l = &pool[i];
    }
    l = list_reverse(list_sort(l));
    uint32_t h = list_delete_multiples(&l, 7u);
    for (uint32_t i = 0; i < 16u; i++)
        h = fold(h, list_position(l, pool[(i * 37u) % LIST_NODES].key));
    for (const struct node *n = l; n != 0; n = n->next)
        h = fold(h, n->key);
    return h;
}

/* ---- A state machine: numbers like "-12.5e+3" in a stream of bytes ---- */

enum num_state { S_START, S_SIGN, S_INT, S_POINT, S_FRAC, S_E, S_E_SIGN, S_EXP, S_BAD };

static int is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static enum num_state num_step(enum num_state s, uint8_t c)
{
    switch (s) {
    case S_START: return c == '+' || c == '-' ? S_SIGN : is_digit(c) ? S_INT : c == '.' ? S_POINT : S_BAD;
    case S_SIGN: return is_digit(c) ? S_INT : c == '.' ? S_POINT : S_BAD;
    case S_INT: return is_digit(c) ? S_INT : c == '.' ? S_POINT : c == 'e' || c == 'E' ? S_E : S_BAD;
    case S_POINT: return is_digit(c) ? S_FRAC : S_BAD;
    case S_FRAC: return is_digit(c) ? S_FRAC : c == 'e' || c == 'E' ? S_E : S_BAD;
    case S_E: return c == '+' || c == '-' ? S_E_SIGN : is_digit(c) ? S_EXP : S_BAD;
    case S_E_SIGN:
    case S_EXP: return is_digit(c) ? S_EXP : S_BAD;
    default: return S_BAD;
    }
}

static uint32_t state_round(uint32_t seed)
{
    static const char alphabet[16] = "0123456789+-.eE,";
    static uint8_t text[STATE_BYTES];
    for (uint32_t i = 0; i < STATE_BYTES; i++)
        text[i] = (uint8_t)alphabet[rng_next(&seed) & 15u];
    uint32_t counts[S_BAD + 1] = {0};
    enum num_state s = S_START;
    for (uint32_t i = 0; i < STATE_BYTES; i++) {
        if (text[i] == ',') { /* a separator ends the token */
            counts[s]++;
            s = S_START;
        } else {
            s = num_step(s, text[i]);
        }
    }
    counts[s]++;
    uint32_t h = 0;
    for (uint32_t i = 0; i <= S_BAD; i++)
        h = fold(h, counts[i]);
    return h;
}

void cpumix_run(uint32_t rounds, struct cpumix_result *out)
{
    *out = (struct cpumix_result){0};
    crc_init();
    for (uint32_t r = 1; r <= rounds; r++) {
        uint32_t seed = 0x9E3779B9u * r; /* never 0, which xorshift keeps */
        out->sort = fold(out->sort, sort_round(seed));
        out->crc = fold(out->crc, crc_round(seed ^ 1u));
        out->matrix = fold(out->matrix, matrix_round(seed ^ 2u));
        out->list = fold(out->list, list_round(seed ^ 3u));
        out->state = fold(out->state, state_round(seed ^ 4u));
    }
}

static char *put_text(char *at, const char *s)
{
    while (*s != '\0')
        *at++ = *s++;
    return at;
}

static char *put_hex(char *at, uint32_t v)
{
    at = put_text(at, " 0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        *at++ = "0123456789abcdef"[(v >> shift) & 15u];
    return at;
}

void cpumix_report(const struct cpumix_result *r, char out[CPUMIX_REPORT_BYTES])
{
    char *at = out;
    at = put_hex(put_text(at, "sort"), r->sort);
    at = put_hex(put_text(at, " crc"), r->crc);
    at = put_hex(put_text(at, " matrix"), r->matrix);
    at = put_hex(put_text(at, " list"), r->list);
    at = put_hex(put_text(at, " state"), r->state);
    *at = '\0';
}
