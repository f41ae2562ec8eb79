/*
 * pingpong - a request/reply latency test between two processes.
 *
 *   pingpong server <count>               answer <count> pings, then print
 *                                         "server: answered <count> pings"
 *   pingpong client <server pid> <count>  send "ping <i>" for i = 1..count,
 *                                         wait for "pong <i>" each time, then
 *                                         print "client: <count> round trips,
 *                                         mean <us> us"
 *
 * The server answers a message starting with "ping" with the same bytes,
 * "ping" replaced by "pong"; anything else it echoes unchanged. Exit 0 on
 * success, 1 on a failed send, a timeout or a wrong reply, 2 on bad
 * arguments (after a usage line).
 */
#include "nimbus.h"

#define REPLY_TIMEOUT_NS (10ull * NS_PER_S)
#define SEND_TRIES 1000u

static char message[ABI_MSG_MAX_BYTES];

static int usage(void)
{
    printf("usage: pingpong server <count> | pingpong client <server pid> <count>\n");
    return 2;
}

static int serve(uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        uint32_t client;
        int32_t len = recv_from_process(message, sizeof message, &client, ABI_TIMEOUT_FOREVER);
        if (len < 0) {
            print_error("server", "recv", len);
            return 1;
        }
        if (len >= 4 && memcmp(message, "ping", 4) == 0)
            memcpy(message, "pong", 4);
        int32_t r = send_retry(client, message, (uint32_t)len, SEND_TRIES);
        if (r < 0)
            print_error("server", "reply", r);
    }
    printf("server: answered %u pings\n", count);
    return 0;
}

static int ping(uint32_t server, uint32_t i)
{
    char expect[32];
    int len = snprintf(message, sizeof message, "ping %u", i);
    int32_t r = send_retry(server, message, (uint32_t)len, SEND_TRIES);
    if (r < 0) {
        printf("client: send ping %u: %s (%d)\n", i, abi_error_name(r), (int)r);
        return 1;
    }
    r = recv_from_process(message, sizeof message - 1, NULL, REPLY_TIMEOUT_NS);
    if (r < 0) {
        printf("client: no reply to ping %u: %s (%d)\n", i, abi_error_name(r), (int)r);
        return 1;
    }
    message[r] = '\0';
    snprintf(expect, sizeof expect, "pong %u", i);
    if (strcmp(message, expect) != 0) {
        printf("client: wrong reply to ping %u: \"%s\"\n", i, message);
        return 1;
    }
    return 0;
}

static int client(uint32_t server, uint32_t count)
{
    uint64_t start = sys_time();
    for (uint32_t i = 1; i <= count; i++)
        if (ping(server, i) != 0)
            return 1;
    uint64_t elapsed_ns = sys_time() - start;
    printf("client: %u round trips, mean %llu us\n", count,
           (unsigned long long)(elapsed_ns / count / NS_PER_US));
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t count, server;
    if (argc == 2 && strcmp(argv[0], "server") == 0 && parse_u32(argv[1], &count) == 0)
        return serve(count);
    if (argc == 3 && strcmp(argv[0], "client") == 0 && pid_parse(argv[1], &server) == 0 &&
        parse_u32(argv[2], &count) == 0 && count > 0)
        return client(server, count);
    return usage();
}
