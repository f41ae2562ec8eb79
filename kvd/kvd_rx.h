/*
 * kvd_rx.h - kvd's receiver: a thread that keeps reading the LAN socket
 * into a queue in memory while the main thread is busy, above all while
 * an LMDB commit syncs. A unix datagram socket holds only a few
 * datagrams (net.unix.max_dgram_qlen, 10 by default) and the switch drops
 * what does not fit, which costs the sender a retransmission timeout; the
 * queue here holds KVD_RX_FRAMES. The main thread waits on wake_fd and
 * takes the frames in arrival order.
 */
#ifndef KVD_KVD_RX_H
#define KVD_KVD_RX_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hal/hal_net.h"

#define KVD_RX_FRAMES 1024u

struct kvd_rx_frame {
    uint32_t len;
    uint8_t bytes[HAL_NET_MAX_FRAME];
};

struct kvd_rx {
    int fd;          /* the LAN socket (non-blocking) */
    int wake[2];     /* a byte written for every frame queued */
    int stop[2];     /* a byte written to end the thread */
    pthread_t thread;
    bool running;
    pthread_mutex_t lock;
    uint32_t head, count; /* the oldest frame, frames queued */
    uint64_t dropped;     /* the queue was full */
    struct kvd_rx_frame ring[KVD_RX_FRAMES];
};

/* Start reading fd. 0, or -1 with errno. */
int kvd_rx_start(struct kvd_rx *rx, int fd);
/* Readable when frames may be waiting: read its bytes before taking. */
int kvd_rx_wake_fd(const struct kvd_rx *rx);
void kvd_rx_clear_wake(struct kvd_rx *rx);
/* The oldest frame into out (HAL_NET_MAX_FRAME bytes): its length, 0
 * when none is queued. */
uint32_t kvd_rx_take(struct kvd_rx *rx, uint8_t *out);
/* End the thread and close its pipes (the socket stays open). */
void kvd_rx_stop(struct kvd_rx *rx);

#endif
