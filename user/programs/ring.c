/*
 * ring <nodes> <laps> - a token passed around one process per node.
 *
 * The member on node i (pid n<i>.1, the first process of its node) forwards
 * the token to n<(i+1) % nodes>.1, adding one to its counter. The member on
 * node 0 starts the token with counter 0; each time it comes back it prints
 *   lap <n> done at <time> us
 * (node time from SYS_TIME), and after <laps> laps it sends "stop" around
 * instead. Every member forwards "stop" and then prints
 *   ring member n<i>.1 exiting after <k> tokens
 * (node 0 once "stop" has come back) and exits 0.
 *
 * Messages are text: "token <counter>" and "stop". Sends are retried while
 * the next member does not exist yet (it may not have been spawned) or its
 * mailbox is full, for at most SEND_PATIENCE_MS.
 */
#include "nimbus.h"

#define SEND_PATIENCE_MS 5000u

static int usage(void)
{
    printf("usage: ring <nodes> <laps>\n");
    return 2;
}

/* Send text to `dst`, waiting for it to exist. 0 or the error. */
static int32_t forward(uint32_t dst, const char *text)
{
    int32_t r = ERR_NO_PROCESS;
    for (uint32_t ms = 0; ms < SEND_PATIENCE_MS; ms++) {
        r = sys_send(dst, text, (uint32_t)strlen(text));
        if (r != ERR_NO_PROCESS && r != ERR_MAILBOX_FULL && r != ERR_BUSY)
            break;
        sleep_ms(1);
    }
    if (r < 0)
        printf("ring: send to " PID_FMT ": %s (%d)\n", PID_ARGS(dst), abi_error_name(r), (int)r);
    return r;
}

static int32_t forward_token(uint32_t dst, uint32_t counter)
{
    char text[24];
    snprintf(text, sizeof text, "token %u", counter);
    return forward(dst, text);
}

/* Receive the next "token <n>" (returns 1, *counter set) or "stop"
 * (returns 0); other messages are ignored. -1 on a receive error. */
static int next_message(uint32_t *counter)
{
    char text[32];
    for (;;) {
        int32_t len = recv_from_process(text, sizeof text - 1, NULL, ABI_TIMEOUT_FOREVER);
        if (len == ERR_TOO_BIG)
            continue;
        if (len < 0) {
            print_error("ring", "recv", len);
            return -1;
        }
        text[len] = '\0';
        if (strcmp(text, "stop") == 0)
            return 0;
        if (strncmp(text, "token ", 6) == 0 && parse_u32(text + 6, counter) == 0)
            return 1;
    }
}

int main(int argc, char **argv)
{
    uint32_t nodes, laps;
    if (argc != 2 || parse_u32(argv[0], &nodes) != 0 || parse_u32(argv[1], &laps) != 0 || nodes == 0 ||
        nodes > 0x10000u || laps == 0)
        return usage();
    uint32_t node = sys_getnode(), self = sys_getpid();
    if (node >= nodes) {
        printf("ring: node %u is not in a ring of %u nodes\n", node, nodes);
        return 2;
    }
    if (self != ABI_PID(node, 1))
        printf("ring: warning: member is " PID_FMT ", not n%u.1\n", PID_ARGS(self), node);
    uint32_t next = ABI_PID((node + 1) % nodes, 1);
    uint32_t tokens = 0, done_laps = 0, counter = 0;
    int status = 0;

    if (node == 0 && forward_token(next, 0) < 0)
        return 1;
    for (;;) {
        int kind = next_message(&counter);
        if (kind < 0) {
            status = 1;
            break;
        }
        if (kind == 0) { /* stop: pass it on unless it has come full circle */
            if (node != 0 && forward(next, "stop") < 0)
                status = 1;
            break;
        }
        tokens++;
        if (node == 0) {
            done_laps++;
            printf("lap %u done at %llu us\n", done_laps, (unsigned long long)(sys_time() / NS_PER_US));
            if (done_laps == laps) {
                if (forward(next, "stop") < 0) {
                    status = 1;
                    break;
                }
                continue;
            }
        }
        if (forward_token(next, counter + 1) < 0) {
            status = 1;
            break;
        }
    }
    printf("ring member " PID_FMT " exiting after %u tokens\n", PID_ARGS(self), tokens);
    return status;
}
