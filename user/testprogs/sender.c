/*
 * sender <dst pid> <count> <bytes> - sends <count> messages of <bytes>
 * bytes to <dst pid>, in the format of stream.h: sequence number (0, 1,
 * 2, ...), length, then bytes derived from (sender, sequence, offset),
 * which sink checks one by one. <bytes> may be 8..4096: more than
 * ABI_MSG_MAX_BYTES tests the limit.
 * A full mailbox is retried (1 ms apart, up to SEND_TRIES times); any
 * other failure prints
 *   sender: message <seq>: <error name> (<code>)
 * and sending goes on with the next number. Then prints "sender done" and
 * exits 0.
 */
#include "nimbus.h"
#include "stream.h"

#define MAX_BYTES 4096u
#define SEND_TRIES 1000u

static uint8_t message[MAX_BYTES];

int main(int argc, char **argv)
{
    uint32_t dst, count, bytes;
    if (argc != 3 || pid_parse(argv[0], &dst) != 0 || parse_u32(argv[1], &count) != 0 ||
        parse_u32(argv[2], &bytes) != 0 || bytes < STREAM_HEADER_BYTES || bytes > MAX_BYTES) {
        printf("usage: sender <dst pid> <count> <bytes %u..%u>\n", STREAM_HEADER_BYTES, MAX_BYTES);
        return 2;
    }
    uint32_t self = sys_getpid();
    for (uint32_t seq = 0; seq < count; seq++) {
        stream_fill(message, bytes, self, seq);
        int32_t r = send_retry(dst, message, bytes, SEND_TRIES);
        if (r < 0)
            printf("sender: message %u: %s (%d)\n", seq, abi_error_name(r), (int)r);
    }
    printf("sender done\n");
    return 0;
}
