/*
 * sender <dst pid> <count> <bytes> - sends <count> messages of <bytes>
 * bytes to <dst pid>. Each message starts with its sequence number
 * (0, 1, 2, ...) as 4 big-endian bytes; the rest is a fixed pattern.
 * <bytes> may be 4..4096: more than ABI_MSG_MAX_BYTES tests the limit.
 * A full mailbox is retried (1 ms apart, up to SEND_TRIES times); any
 * other failure prints
 *   sender: message <seq>: <error name> (<code>)
 * and sending goes on with the next number. Then prints "sender done" and
 * exits 0.
 */
#include "nimbus.h"

#define MAX_BYTES 4096u
#define SEND_TRIES 1000u

static uint8_t message[MAX_BYTES];

int main(int argc, char **argv)
{
    uint32_t dst, count, bytes;
    if (argc != 3 || pid_parse(argv[0], &dst) != 0 || parse_u32(argv[1], &count) != 0 ||
        parse_u32(argv[2], &bytes) != 0 || bytes < 4 || bytes > MAX_BYTES) {
        printf("usage: sender <dst pid> <count> <bytes 4..%u>\n", MAX_BYTES);
        return 2;
    }
    for (uint32_t i = 4; i < bytes; i++)
        message[i] = (uint8_t)i;
    for (uint32_t seq = 0; seq < count; seq++) {
        message[0] = (uint8_t)(seq >> 24);
        message[1] = (uint8_t)(seq >> 16);
        message[2] = (uint8_t)(seq >> 8);
        message[3] = (uint8_t)seq;
        int32_t r = send_retry(dst, message, bytes, SEND_TRIES);
        if (r < 0)
            printf("sender: message %u: %s (%d)\n", seq, abi_error_name(r), (int)r);
    }
    printf("sender done\n");
    return 0;
}
