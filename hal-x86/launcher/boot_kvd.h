/*
 * boot_kvd.h - `nimbus boot --kvd DIR`: `nimbus kvd` (kvd/kvd_node.h) as
 * one more node of the run's LAN, with the id after the QEMU nodes'
 * (boot_args_kvd_node), its own port of the switch, its output in
 * OUT/kvd.log. It is started before the QEMUs and must say it is up
 * first, so a bad or locked database fails the run at once; if it dies
 * later the run goes on (the nodes' key-value calls fail with their
 * bounded-time error), and it is stopped after the nodes.
 */
#ifndef HAL_X86_HOST_BOOT_KVD_H
#define HAL_X86_HOST_BOOT_KVD_H

#include <limits.h>
#include <stdbool.h>

#include "boot_proc.h"

#define BOOT_KVD_LOG "kvd.log"
#define BOOT_KVD_UP_MS 10000u /* how long kvd may take to say it is up */

struct boot_kvd {
    char log_path[PATH_MAX], lan_sock[PATH_MAX], sock[PATH_MAX];
    struct boot_proc proc;
    bool gone; /* its exit was reported */
};

struct boot_state;

/* Start it and wait for its "up" line (shown). 0, or -1 after saying why. */
int boot_kvd_start(struct boot_state *st);
/* Report once if it has exited. */
void boot_kvd_reap(struct boot_state *st);
/* Stop it (SIGTERM, then SIGKILL) and show its last line. */
void boot_kvd_stop(struct boot_state *st);

#endif
