/* pcap_out.c - see pcap_out.h. */
#define _DEFAULT_SOURCE /* libpcap's headers use the BSD u_int types */
#include "pcap_out.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

int pcap_out_open(struct pcap_out *o, const char *path, char *err, size_t err_bytes)
{
    memset(o, 0, sizeof *o);
    if (path == NULL)
        return 0;
    pcap_t *p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, PCAP_OUT_SNAPLEN,
                                                     PCAP_TSTAMP_PRECISION_NANO);
    if (p == NULL) {
        snprintf(err, err_bytes, "%s: cannot set up libpcap", path);
        return -1;
    }
    pcap_dumper_t *d = pcap_dump_open(p, path);
    if (d == NULL) {
        snprintf(err, err_bytes, "%s: %s", path, pcap_geterr(p));
        pcap_close(p);
        return -1;
    }
    o->pcap = p;
    o->dumper = d;
    return 0;
}

void pcap_out_frame(struct pcap_out *o, uint64_t t_ns, const uint8_t *frame, uint32_t len)
{
    if (o->dumper == NULL)
        return;
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    /* With nanosecond precision libpcap reads tv_usec as nanoseconds. */
    h.ts.tv_sec = (time_t)(t_ns / 1000000000u);
    h.ts.tv_usec = (suseconds_t)(t_ns % 1000000000u);
    h.caplen = len;
    h.len = len;
    pcap_dump((u_char *)o->dumper, &h, frame);
    o->frames++;
}

int pcap_out_close(struct pcap_out *o)
{
    int rc = 0;
    if (o->dumper != NULL) {
        pcap_dumper_t *d = o->dumper;
        if (pcap_dump_flush(d) != 0 || ferror(pcap_dump_file(d)))
            rc = -1;
        pcap_dump_close(d);
    }
    if (o->pcap != NULL)
        pcap_close(o->pcap);
    o->pcap = o->dumper = NULL;
    return rc;
}
