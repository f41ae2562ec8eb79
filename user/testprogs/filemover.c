/*
 * filemover PATH TO [wait] - write "before the move\n" to PATH
 * (node-qualified), keep the handle open while it moves itself to node TO
 * (with "wait": while a scenario's migrate event moves it), then write "after the move\n" through the same handle, read
 * the whole file back through a second handle opened before the move,
 * and print "filemover: on node N, read: <contents>".
 */
#include <stdbool.h>

#include "nimbus.h"

int main(int argc, char **argv)
{
    uint32_t to;
    if ((argc != 2 && argc != 3) || parse_u32(argv[1], &to) != 0) {
        printf("usage: filemover PATH TO [wait]\n");
        return 1;
    }
    int32_t w = file_open(argv[0], ABI_O_CREATE | ABI_O_TRUNCATE);
    int32_t r = file_open(argv[0], 0);
    if (w < 0 || r < 0) {
        print_error("filemover", argv[0], w < 0 ? w : r);
        return 2;
    }
    const char *first = "before the move\n", *second = "after the move\n";
    int32_t rc = file_write_all(w, first, (uint32_t)strlen(first));
    bool wait = argc == 3 && strcmp(argv[2], "wait") == 0;
    for (uint32_t i = 0; rc >= 0 && sys_getnode() != to && i < 1000; i++) {
        if (!wait)
            (void)sys_migrate(0, to);
        sleep_ms(1);
    }
    if (rc >= 0)
        rc = file_write_all(w, second, (uint32_t)strlen(second));
    char buf[64] = {0};
    if (rc >= 0)
        rc = file_read_full(r, buf, sizeof buf - 1);
    if (rc < 0) {
        print_error("filemover", "after the move", rc);
        return 2;
    }
    for (int32_t i = 0; i < rc; i++)
        if (buf[i] == '\n')
            buf[i] = '|';
    printf("filemover: on node %u, read: %s\n", sys_getnode(), buf);
    return 0;
}
