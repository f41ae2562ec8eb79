/*
 * echo [<count>] - answers every message from a process with the same
 * bytes, to its sender. With <count>, exits 0 after <count> answers;
 * without, runs until killed. Prints nothing unless something fails.
 */
#include "nimbus.h"

#define SEND_TRIES 1000u

static char message[ABI_MSG_MAX_BYTES];

int main(int argc, char **argv)
{
    uint32_t count = 0;
    if (argc > 1 || (argc == 1 && parse_u32(argv[0], &count) != 0)) {
        printf("usage: echo [<count>]\n");
        return 2;
    }
    for (uint32_t answered = 0; count == 0 || answered < count; answered++) {
        uint32_t sender;
        int32_t len = recv_from_process(message, sizeof message, &sender, ABI_TIMEOUT_FOREVER);
        if (len < 0) {
            print_error("echo", "recv", len);
            return 1;
        }
        int32_t r = send_retry(sender, message, (uint32_t)len, SEND_TRIES);
        if (r < 0)
            printf("echo: reply to " PID_FMT ": %s (%d)\n", PID_ARGS(sender), abi_error_name(r), (int)r);
    }
    return 0;
}
