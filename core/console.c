/* console.c - see console.h. */
#include "console.h"

#include "bytes.h"
#include "ipc.h"
#include "kernel_priv.h"
#include "transport.h"

#define CONSOLE_CHUNK_BYTES (CLUSTER_PAYLOAD_MAX - 4u)

static void write_here(struct kernel *k, uint32_t pid, const char *text, uint32_t len)
{
    k->hal.console->write(k->hal.ctx, pid, text, len);
    struct hal_trace_event ev = {.type = HAL_TRACE_CONSOLE, .pid = pid, .text = text, .text_len = len};
    ktrace(k, &ev);
}

void console_write(struct kernel *k, uint32_t pid, const char *text, uint32_t len)
{
    uint16_t home = (uint16_t)ABI_PID_NODE(pid);
    if (home == k->node_id) {
        write_here(k, pid, text, len);
        return;
    }
    uint8_t msg[CLUSTER_PAYLOAD_MAX];
    put_be32(msg, pid);
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < CONSOLE_CHUNK_BYTES ? len - done : CONSOLE_CHUNK_BYTES;
        kmemcpy(msg + 4, text + done, n);
        /* Output is best effort, like a serial line: a full queue loses it. */
        (void)transport_send(k, home, CLUSTER_MSG_CONSOLE, msg, 4 + n);
        done += n;
    }
}

void console_on_message(struct kernel *k, const uint8_t *payload, uint32_t len)
{
    if (len < 4 || ABI_PID_NODE(get_be32(payload)) != k->node_id) {
        k->stats.frames_bad++;
        return;
    }
    write_here(k, get_be32(payload), (const char *)payload + 4, len - 4);
}
