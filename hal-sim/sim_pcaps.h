/*
 * sim_pcaps.h - the run's pcap files (pcap_out.h): net.pcap for a flat LAN;
 * with a rack topology (scenario.h struct scn_topology) net-rack<R>.pcap per rack, and
 * net-uplink<R>.pcap per rack uplink when the scenario asks for links.
 * Capture number i is the i-th of these files.
 */
#ifndef SIM_PCAPS_H
#define SIM_PCAPS_H

#include <stddef.h>
#include <stdint.h>

#include "pcap_out.h"
#include "scenario.h"

struct sim_pcaps {
    uint32_t count;
    struct pcap_out *files;
    const struct scn_topology *topo; /* racks 0: flat */
};

/* The file name of capture i, without a directory. */
void sim_pcaps_name(const struct scn_topology *topo, uint32_t i, char *buf, size_t bytes);

/* Create every file in out_dir (NULL: discard frames). 0, or -1 with errno
 * set and the path that failed in failed_path; nothing stays open then. */
int sim_pcaps_open(struct sim_pcaps *p, const char *out_dir, const struct scn_topology *topo,
                   char *failed_path, size_t bytes);

void sim_pcaps_frame(struct sim_pcaps *p, uint32_t capture, uint64_t t_ns, const uint8_t *frame,
                     uint32_t len);

/* Close every file. 0, or -1 with errno set and the first file that could
 * not be written completely named in failed_name. */
int sim_pcaps_close(struct sim_pcaps *p, char *failed_name, size_t bytes);

#endif
