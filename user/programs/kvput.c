/*
 * kvput PREFIX COUNT SIZE [quiet] - put COUNT keys "PREFIX<i>" (i from 0)
 * with SIZE-byte values (byte j of value i is (i * 7 + j) & 0xff), one at
 * a time; each put returns once durable, and then prints "kvput: acked
 * PREFIX<i>" unless quiet. The key-value back end is the scenario's.
 */
#include <stdbool.h>

#include "nimbus.h"

static uint8_t value[ABI_KV_VALUE_MAX];

int main(int argc, char **argv)
{
    uint32_t count, size;
    if ((argc != 3 && argc != 4) || parse_u32(argv[1], &count) != 0 || parse_u32(argv[2], &size) != 0 ||
        size > ABI_KV_VALUE_MAX) {
        printf("usage: kvput PREFIX COUNT SIZE [quiet]\n");
        return 1;
    }
    bool quiet = argc == 4 && strcmp(argv[3], "quiet") == 0;
    char key[ABI_KV_KEY_MAX + 1];
    for (uint32_t i = 0; i < count; i++) {
        int n = snprintf(key, sizeof key, "%s%u", argv[0], i);
        for (uint32_t j = 0; j < size; j++)
            value[j] = (uint8_t)(i * 7u + j);
        int32_t rc = sys_kv_put(key, (uint32_t)n, value, size);
        if (rc < 0) {
            print_error("kvput", key, rc);
            return 2;
        }
        if (!quiet)
            printf("kvput: acked %s\n", key);
    }
    return 0;
}
