/* msg_names.c - see msg_names.h. */
#include "msg_names.h"

#include "balance_priv.h"
#include "ipc.h"
#include "kernel_priv.h"
#include "migrate_priv.h"
#include "stock_client.h"

const char *msg_type_name(uint8_t type)
{
    switch (type) {
    case CLUSTER_MSG_DELIVER_RESULT: return "deliver_result";
    case CLUSTER_MSG_CONSOLE: return "console";
    case CLUSTER_MSG_LOCATION: return "location";
    case CLUSTER_MSG_WHEREIS: return "whereis";
    case CLUSTER_MSG_WHERE: return "where";
    case CLUSTER_MSG_PROBE: return "probe";
    case CLUSTER_MSG_STOCK_REQ: return "store_request";
    case CLUSTER_MSG_STOCK_REPLY: return "store_reply";
    case MSG_BEGIN: return "begin";
    case MSG_PAGE: return "page";
    case MSG_IMAGE: return "image";
    case MSG_CHUNK: return "chunk";
    case MSG_INSTALLED: return "installed";
    case MSG_ABORT: return "abort";
    case MSG_CANCEL: return "cancel";
    case MSG_HANDOVER: return "handover";
    case BALANCE_MSG_LOAD: return "load";
    case BALANCE_MSG_PROBE: return "load_probe";
    case BALANCE_MSG_PROBE_REPLY: return "load_probe_reply";
    case BALANCE_MSG_OFFER: return "offer";
    case BALANCE_MSG_ACCEPT: return "accept";
    case BALANCE_MSG_RELEASE: return "release";
    default: return "kernel";
    }
}

static uint32_t name_len(const char *s)
{
    uint32_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

void msg_trace(struct kernel *k, uint16_t trace_type, uint16_t node, uint8_t type, uint32_t seq)
{
    /* user messages are traced as send and deliver; the transport's own
     * (acks, resets, skips) are not traced */
    if (type < CLUSTER_MSG_FIRST_KERNEL || type == CLUSTER_MSG_DELIVER)
        return;
    const char *name = msg_type_name(type);
    struct hal_trace_event ev = {.type = trace_type, .value2 = node, .value = (int32_t)seq,
                                 .text = name, .text_len = name_len(name)};
    ktrace(k, &ev);
}
