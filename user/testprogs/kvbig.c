/*
 * kvbig put KEY FILL | kvbig check KEY - one 64 KiB value in one call.
 * put stores byte i = FILL + i % 251 and prints "kvbig: put KEY fill
 * FILL: <result>"; check gets KEY and prints "kvbig: KEY holds fill F
 * whole" when every byte fits the fill of byte 0, else "kvbig: KEY is
 * mixed at byte N", or the get's error. Lets a crash test tell an old
 * value, a new one and a mix apart.
 */
#include "nimbus.h"

static uint8_t value[ABI_KV_VALUE_MAX];

static void fill_value(uint8_t fill)
{
    for (uint32_t i = 0; i < ABI_KV_VALUE_MAX; i++)
        value[i] = (uint8_t)(fill + i % 251u);
}

static void put(const char *key, uint8_t fill)
{
    fill_value(fill);
    int32_t rc = sys_kv_put(key, (uint32_t)strlen(key), value, ABI_KV_VALUE_MAX);
    if (rc < 0)
        printf("kvbig: put %s fill %u: %s\n", key, (unsigned)fill, abi_error_name(rc));
    else
        printf("kvbig: put %s fill %u: %d\n", key, (unsigned)fill, (int)rc);
}

static void check(const char *key)
{
    int32_t rc = sys_kv_get(key, (uint32_t)strlen(key), value, ABI_KV_VALUE_MAX);
    if (rc < 0) {
        printf("kvbig: get %s: %s\n", key, abi_error_name(rc));
        return;
    }
    for (int32_t i = 0; i < rc; i++) {
        if (value[i] != (uint8_t)(value[0] + (uint32_t)i % 251u)) {
            printf("kvbig: %s is mixed at byte %d\n", key, (int)i);
            return;
        }
    }
    printf("kvbig: %s holds fill %u whole (%d bytes)\n", key, (unsigned)value[0], (int)rc);
}

int main(int argc, char **argv)
{
    uint32_t fill;
    if (argc == 3 && strcmp(argv[0], "put") == 0 && parse_u32(argv[2], &fill) == 0 && fill < 256) {
        put(argv[1], (uint8_t)fill);
        return 0;
    }
    if (argc == 2 && strcmp(argv[0], "check") == 0) {
        check(argv[1]);
        return 0;
    }
    printf("usage: kvbig put KEY FILL | kvbig check KEY\n");
    return 2;
}
