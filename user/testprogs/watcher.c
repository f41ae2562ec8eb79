/*
 * watcher <notes> [child] - waits for <notes> ABI_NOTE_MOVED notes from a
 * kernel and prints each as
 *   <own pid> heard: <pid> moved <from node> -> <to node>
 * then exits 0 ("watcher <own pid>: timeout" and exit 1 after 30 s of
 * silence). With "child", it first spawns `watcher <notes>` as its child
 * and waits for it before exiting, so a test can move either and check
 * that the mover, its parent and its children are all told.
 */
#include <stdbool.h>

#include "nimbus.h"

#define SILENCE_NS (30ull * 1000 * 1000 * 1000)

static uint32_t get_le32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static int wait_for_notes(uint32_t self, uint32_t notes)
{
    uint8_t note[ABI_MSG_MAX_BYTES];
    for (uint32_t heard = 0; heard < notes;) {
        uint32_t sender;
        int32_t len = sys_recv(note, sizeof note, &sender, SILENCE_NS);
        if (len == ERR_TIMEOUT) {
            printf("watcher " PID_FMT ": timeout\n", PID_ARGS(self));
            return 1;
        }
        if (len < (int32_t)ABI_NOTE_MOVED_BYTES || ABI_PID_LOCAL(sender) != 0 ||
            get_le32_at(note) != ABI_NOTE_MOVED)
            continue;
        printf(PID_FMT " heard: " PID_FMT " moved %u -> %u\n", PID_ARGS(self), PID_ARGS(get_le32_at(note + 4)),
               get_le32_at(note + 8), get_le32_at(note + 12));
        heard++;
    }
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t notes;
    bool with_child = argc == 2 && strcmp(argv[1], "child") == 0;
    if ((argc != 1 && !with_child) || parse_u32(argv[0], &notes) != 0) {
        printf("usage: watcher <notes> [child]\n");
        return 2;
    }
    if (with_child) {
        const char *child_args[] = {argv[0]};
        int32_t child = spawn("watcher", 1, child_args);
        if (child < 0) {
            print_error("watcher", "spawn", child);
            return 1;
        }
    }
    int status = wait_for_notes(sys_getpid(), notes);
    if (with_child)
        sys_wait(0, NULL, ABI_TIMEOUT_FOREVER);
    return status;
}
