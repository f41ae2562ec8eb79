/*
 * sink <count> [<timeout ms>] - receives <count> messages and checks each
 * one whole, in the format sender writes (stream.h): every sender's
 * sequence numbers run 0, 1, 2, ... without a gap, the length written in
 * the message is the length received, and every byte after the header is
 * the one derived from (sender, sequence, offset). Prints
 *   sink: <count> messages in order
 * and exits 0, or stops at the first anomaly, prints one of
 *   sink: message <i> from n<node>.<local>: expected seq <e>, got <g>
 *   sink: message <i> from n<node>.<local>: <len> bytes, too short
 *   sink: message <i> from n<node>.<local>: <len> bytes, sent <n>
 *   sink: message <i> from n<node>.<local>: byte <off> is <b>, expected <e>
 *   sink: message <i>: <error name> (<code>)      (a failed receive)
 *   sink: more than <max> senders
 * and exits 1. <i> counts from 1. Without a timeout it waits forever.
 */
#include <stdbool.h>

#include "nimbus.h"
#include "stream.h"

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

/* Message i of len bytes from `from`, with sequence number seq: whether
 * its length and every byte after the header are what was sent; prints
 * the first difference. */
static bool check_contents(uint32_t i, uint32_t from, uint32_t seq, uint32_t len)
{
    uint32_t sent = stream_get_be32(message + 4);
    if (sent != len) {
        printf("sink: message %u from " PID_FMT ": %u bytes, sent %u\n", i, PID_ARGS(from), len, sent);
        return false;
    }
    for (uint32_t off = STREAM_HEADER_BYTES; off < len; off++) {
        uint8_t want = stream_byte(from, seq, off);
        if (message[off] != want) {
            printf("sink: message %u from " PID_FMT ": byte %u is %u, expected %u\n", i, PID_ARGS(from), off,
                   message[off], want);
            return false;
        }
    }
    return true;
}

/* Receive and check message i; whether it was right. */
static bool receive_one(uint32_t i, uint64_t timeout_ns)
{
    uint32_t from;
    int32_t len = recv_from_process(message, sizeof message, &from, timeout_ns);
    if (len < 0) {
        printf("sink: message %u: %s (%d)\n", i, abi_error_name(len), (int)len);
        return false;
    }
    if ((uint32_t)len < STREAM_HEADER_BYTES) {
        printf("sink: message %u from " PID_FMT ": %d bytes, too short\n", i, PID_ARGS(from), (int)len);
        return false;
    }
    struct stream *s = stream_of(from);
    if (s == NULL) {
        printf("sink: more than %u senders\n", MAX_SENDERS);
        return false;
    }
    uint32_t seq = stream_get_be32(message);
    if (seq != s->next_seq) {
        printf("sink: message %u from " PID_FMT ": expected seq %u, got %u\n", i, PID_ARGS(from), s->next_seq,
               seq);
        return false;
    }
    s->next_seq++;
    return check_contents(i, from, seq, (uint32_t)len);
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
    for (uint32_t i = 1; i <= count; i++)
        if (!receive_one(i, timeout_ns))
            return 1;
    printf("sink: %u messages in order\n", count);
    return 0;
}
