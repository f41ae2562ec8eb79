/* pcap_out.c - see pcap_out.h. */
#define _DEFAULT_SOURCE /* libpcap's headers use the BSD u_int types */
#include "pcap_out.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

int pcap_out_open(struct pcap_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (path == NULL)
        return 0;
    /* Opened here rather than by libpcap, whose message repeats the path;
     * errno says why. */
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    pcap_t *p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, PCAP_OUT_SNAPLEN,
                                                     PCAP_TSTAMP_PRECISION_NANO);
    pcap_dumper_t *d = p != NULL ? pcap_dump_fopen(p, f) : NULL;
    if (d == NULL) {
        if (p != NULL)
            pcap_close(p);
        fclose(f);
        errno = ENOMEM;
        return -1;
    }
    o->pcap = p;
    o->dumper = d;
    return 0;
}

/* pcap_dump reports nothing: keep the first failure's reason, which a
 * later flush no longer knows. */
static void pcap_out_note_failure(struct pcap_out *o)
{
    if (o->write_errno == 0 && ferror(pcap_dump_file(o->dumper)))
        o->write_errno = errno != 0 ? errno : EIO;
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
    errno = 0;
    pcap_dump((u_char *)o->dumper, &h, frame);
    pcap_out_note_failure(o);
    o->frames++;
}

int pcap_out_close(struct pcap_out *o)
{
    if (o->dumper != NULL) {
        errno = 0;
        if (pcap_dump_flush(o->dumper) != 0 && o->write_errno == 0)
            o->write_errno = errno != 0 ? errno : EIO;
        pcap_out_note_failure(o);
        pcap_dump_close(o->dumper);
    }
    if (o->pcap != NULL)
        pcap_close(o->pcap);
    o->pcap = o->dumper = NULL;
    errno = o->write_errno;
    return o->write_errno != 0 ? -1 : 0;
}
