/*
 * hopper <nodes> <hops> - moves itself <hops> times around nodes
 * 0 .. <nodes>-1 (to the next node each time) with SYS_MIGRATE, checking
 * after each hop that SYS_GETNODE names the new node. A move that fails
 * (the process stays) or is still under way is asked for again, 1 ms
 * apart, up to 10000 times.
 * Prints
 *   hopper n<node>.<local>: <hops> hops, now on node <node>
 * and exits 0; a hop that never happens prints
 *   hopper: hop <i> to node <node>: <error name> (<code>)
 * and exits 1.
 */
#include "nimbus.h"

#define TRIES 10000u

/* Ask to move to `to` until the process runs there. 0 or an error. A
 * request made as an earlier one completes runs on the new node, where
 * it asks to move to the node itself: ERR_INVALID, and the hop is done. */
static int32_t hop(uint32_t to)
{
    int32_t r = 0;
    for (uint32_t i = 0; i < TRIES && sys_getnode() != to; i++) {
        r = sys_migrate(0, to);
        if (r < 0 && r != ERR_BUSY && sys_getnode() != to)
            return r;
        sleep_ms(1);
    }
    return sys_getnode() == to ? 0 : r < 0 ? r : ERR_TIMEOUT;
}

int main(int argc, char **argv)
{
    uint32_t nodes, hops;
    if (argc != 2 || parse_u32(argv[0], &nodes) != 0 || parse_u32(argv[1], &hops) != 0 || nodes < 2 ||
        nodes > 65535) {
        printf("usage: hopper <nodes 2..65535> <hops>\n");
        return 2;
    }
    for (uint32_t i = 1; i <= hops; i++) {
        uint32_t to = (sys_getnode() + 1) % nodes;
        int32_t r = hop(to);
        if (r < 0) {
            printf("hopper: hop %u to node %u: %s (%d)\n", i, to, abi_error_name(r), (int)r);
            return 1;
        }
    }
    printf("hopper " PID_FMT ": %u hops, now on node %u\n", PID_ARGS(sys_getpid()), hops, sys_getnode());
    return 0;
}
