/* sim_pcaps.c - see sim_pcaps.h. */
#include "sim_pcaps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "host/xalloc.h"

void sim_pcaps_name(const struct scn_topology *topo, uint32_t i, char *buf, size_t bytes)
{
    if (topo->racks == 0)
        snprintf(buf, bytes, "net.pcap");
    else if (i < topo->racks)
        snprintf(buf, bytes, "net-rack%u.pcap", i);
    else
        snprintf(buf, bytes, "net-uplink%u.pcap", i - topo->racks);
}

int sim_pcaps_open(struct sim_pcaps *p, const char *out_dir, const struct scn_topology *topo,
                   char *failed_path, size_t bytes)
{
    p->topo = topo;
    p->count = topo->racks == 0 ? 1 : topo->pcap == SCN_PCAP_LINK ? 2u * topo->racks : topo->racks;
    p->files = xcalloc(p->count, sizeof p->files[0]);
    for (uint32_t i = 0; i < p->count; i++) {
        char name[64];
        sim_pcaps_name(topo, i, name, sizeof name);
        snprintf(failed_path, bytes, "%s/%s", out_dir != NULL ? out_dir : "", name);
        if (pcap_out_open(&p->files[i], out_dir != NULL ? failed_path : NULL) == 0)
            continue;
        int why = errno;
        p->count = i;
        char ignored[64];
        (void)sim_pcaps_close(p, ignored, sizeof ignored);
        errno = why;
        return -1;
    }
    return 0;
}

void sim_pcaps_frame(struct sim_pcaps *p, uint32_t capture, uint64_t t_ns, const uint8_t *frame, uint32_t len)
{
    pcap_out_frame(&p->files[capture], t_ns, frame, len);
}

int sim_pcaps_close(struct sim_pcaps *p, char *failed_name, size_t bytes)
{
    int rc = 0, why = 0;
    for (uint32_t i = 0; i < p->count; i++) {
        if (pcap_out_close(&p->files[i]) == 0 || rc < 0)
            continue;
        why = errno;
        rc = -1;
        sim_pcaps_name(p->topo, i, failed_name, bytes);
    }
    free(p->files);
    p->files = NULL;
    p->count = 0;
    errno = why;
    return rc;
}
