/*
 * spawner <program> <n> [<arg>...] - spawns n children running <program>
 * (each with the remaining arguments), waits for each in spawn order and
 * prints
 *   child n<node>.<local> exited with <status>
 * then "spawner done", and exits 0. A failed spawn prints
 *   spawner: spawn <i> of <program>: <error name> (<code>)
 * and a failed wait
 *   spawner: wait n<node>.<local>: <error name> (<code>)
 */
#include "nimbus.h"

#define MAX_CHILDREN 256u

static uint32_t children[MAX_CHILDREN];

int main(int argc, char **argv)
{
    uint32_t n;
    if (argc < 2 || parse_u32(argv[1], &n) != 0 || n > MAX_CHILDREN) {
        printf("usage: spawner <program> <n <= %u> [<arg>...]\n", MAX_CHILDREN);
        return 2;
    }
    const char *program = argv[0];
    uint32_t spawned = 0;
    for (uint32_t i = 0; i < n; i++) {
        int32_t pid = spawn(program, argc - 2, (const char *const *)argv + 2);
        if (pid < 0)
            printf("spawner: spawn %u of %s: %s (%d)\n", i + 1, program, abi_error_name(pid), (int)pid);
        else
            children[spawned++] = (uint32_t)pid;
    }
    for (uint32_t i = 0; i < spawned; i++) {
        int32_t status = 0;
        int32_t r = sys_wait(children[i], &status, ABI_TIMEOUT_FOREVER);
        if (r < 0)
            printf("spawner: wait " PID_FMT ": %s (%d)\n", PID_ARGS(children[i]), abi_error_name(r), (int)r);
        else
            printf("child " PID_FMT " exited with %d\n", PID_ARGS(children[i]), (int)status);
    }
    printf("spawner done\n");
    return 0;
}
