/*
 * pcap_out.h - the network trace: every frame once, when it leaves its
 * sender's NIC (a mirror port on the simulated switch), in libpcap format
 * with nanosecond timestamps of simulated time. Opens in Wireshark and
 * tcpdump like a capture from a real LAN.
 */
#ifndef SIM_PCAP_OUT_H
#define SIM_PCAP_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAP_OUT_SNAPLEN 65535

struct pcap_out {
    void *pcap;   /* pcap_t *, NULL when discarding */
    void *dumper; /* pcap_dumper_t * */
    uint64_t frames;
    int write_errno; /* 0, or why the first write failed */
};

/* Create `path`; 0, or -1 with errno set. A NULL path discards. */
int pcap_out_open(struct pcap_out *o, const char *path);
void pcap_out_frame(struct pcap_out *o, uint64_t t_ns, const uint8_t *frame, uint32_t len);
/* 0, or -1 with errno set when the file could not be written completely. */
int pcap_out_close(struct pcap_out *o);

#endif
