/*
 * sink <count> [<timeout ms>] - receives <count> messages and checks that
 * each sender's sequence numbers (first 4 bytes, big-endian, as sender
 * writes them) run 0, 1, 2, ... without a gap. Prints
 *   sink: <count> messages in order
 * and exits 0, or stops at the first anomaly, prints one of
 *   sink: message <i> from n<node>.<local>: expected seq <e>, got <g>
 *   sink: message <i> from n<node>.<local>: <len> bytes, too short
 *   sink: message <i>: <error name> (<code>)      (a failed receive)
 *   sink: more than <max> senders
 * and exits 1. <i> counts from 1. Without a timeout it waits forever.
 */
#include "nimbus.h"

#define MAX_SENDERS 32u

struct stream {
    uint32_t pid;
    uint32_t next_seq;
};

static struct stream streams[MAX_SENDERS];
static uint32_t stream_count;
static uint8_t message[ABI_MSG_MAX_BYTES];

static struct stream *stream_of(uint32_t pid)
{
    for (uint32_t i = 0; i < stream_count; i++)
        if (streams[i].pid == pid)
            return &streams[i];
    if (stream_count == MAX_SENDERS)
        return NULL;
    streams[stream_count] = (struct stream){.pid = pid};
    return &streams[stream_count++];
}

int main(int argc, char **argv)
{
    uint32_t count, timeout_ms = 0;
    if (argc < 1 || argc > 2 || parse_u32(argv[0], &count) != 0 ||
        (argc == 2 && parse_u32(argv[1], &timeout_ms) != 0)) {
        printf("usage: sink <count> [<timeout ms>]\n");
        return 2;
    }
    uint64_t timeout_ns = argc == 2 ? (uint64_t)timeout_ms * NS_PER_MS : ABI_TIMEOUT_FOREVER;
    for (uint32_t i = 1; i <= count; i++) {
        uint32_t from;
        int32_t len = recv_from_process(message, sizeof message, &from, timeout_ns);
        if (len < 0) {
            printf("sink: message %u: %s (%d)\n", i, abi_error_name(len), (int)len);
            return 1;
        }
        if (len < 4) {
            printf("sink: message %u from " PID_FMT ": %d bytes, too short\n", i, PID_ARGS(from), (int)len);
            return 1;
        }
        struct stream *s = stream_of(from);
        if (s == NULL) {
            printf("sink: more than %u senders\n", MAX_SENDERS);
            return 1;
        }
        uint32_t seq =
            (uint32_t)message[0] << 24 | (uint32_t)message[1] << 16 | (uint32_t)message[2] << 8 | message[3];
        if (seq != s->next_seq) {
            printf("sink: message %u from " PID_FMT ": expected seq %u, got %u\n", i, PID_ARGS(from),
                   s->next_seq, seq);
            return 1;
        }
        s->next_seq++;
    }
    printf("sink: %u messages in order\n", count);
    return 0;
}
