/*
 * stockcheck LOGPATH PREFIX SIZE - read back what logwriter and kvput
 * made: the log's records must be "rec 000001\n", "rec 000002\n", ... with
 * nothing damaged after them, and the keys "PREFIX0", "PREFIX1", ... must
 * hold their SIZE-byte values. Prints how far each is intact and a
 * verdict, "stockcheck: ok" or "stockcheck: FAILED: <why>". Which records
 * and puts were acknowledged is in the console lines of the writers.
 */
#include <stdbool.h>

#include "nimbus.h"

#define RECORD_BYTES 11u

static uint8_t value[ABI_KV_VALUE_MAX];

/* Records intact from the first; *bad set when something else follows. */
static int32_t check_log(const char *path, bool *bad)
{
    int32_t h = file_open(path, 0);
    if (h == ERR_NO_ENTRY)
        return 0;
    if (h < 0)
        return h;
    char rec[RECORD_BYTES], want[RECORD_BYTES + 1];
    int32_t n = 0, got;
    while ((got = file_read_full(h, rec, RECORD_BYTES)) == (int32_t)RECORD_BYTES) {
        snprintf(want, sizeof want, "rec %06u\n", (unsigned)(n + 1));
        if (memcmp(rec, want, RECORD_BYTES) != 0)
            break;
        n++;
    }
    *bad = got != 0;
    sys_close(h);
    return got < 0 ? got : n;
}

/* Keys intact from PREFIX0; *bad when a key has the wrong value. */
static int32_t check_kv(const char *prefix, uint32_t size, bool *bad)
{
    char key[ABI_KV_KEY_MAX + 1];
    for (uint32_t i = 0;; i++) {
        int len = snprintf(key, sizeof key, "%s%u", prefix, i);
        int32_t got = sys_kv_get(key, (uint32_t)len, value, sizeof value);
        if (got == ERR_NO_ENTRY)
            return (int32_t)i;
        if (got < 0)
            return got;
        for (uint32_t j = 0; j < size; j++)
            *bad = *bad || (uint32_t)got != size || value[j] != (uint8_t)(i * 7u + j);
        if (*bad)
            return (int32_t)i;
    }
}

int main(int argc, char **argv)
{
    uint32_t size;
    if (argc != 3 || parse_u32(argv[2], &size) != 0 || size > ABI_KV_VALUE_MAX) {
        printf("usage: stockcheck LOGPATH PREFIX SIZE\n");
        return 1;
    }
    bool log_bad = false, kv_bad = false;
    int32_t records = check_log(argv[0], &log_bad);
    int32_t keys = check_kv(argv[1], size, &kv_bad);
    if (records < 0 || keys < 0) {
        print_error("stockcheck", records < 0 ? "log" : "kv", records < 0 ? records : keys);
        printf("stockcheck: FAILED: read error\n");
        return 2;
    }
    printf("stockcheck: log records 1..%d intact, kv keys %s0..%d intact\n", (int)records, argv[1],
           (int)keys - 1);
    if (log_bad || kv_bad) {
        printf("stockcheck: FAILED: %s damaged after the intact part\n", log_bad ? "log" : "kv");
        return 3;
    }
    printf("stockcheck: ok\n");
    return 0;
}
