/*
 * kvd_serve.c - kvd's loop (kvd_node.h): wait in ppoll for a frame (from
 * the receiver thread, kvd_rx.h) or the kernel's next deadline, with
 * SIGINT and SIGTERM unblocked only there; hand the kernel every frame
 * that is waiting, and only then its timer.
 * That order is what makes group commit work on the host: the timer runs
 * the commit, so every request that arrived while the last commit synced
 * joins the next one.
 */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/kernel.h"
#include "kvd_node.h"
#include "kvd_platform.h"
#include "kvd_rx.h"

static volatile sig_atomic_t kvd_signal;

static void kvd_on_signal(int sig)
{
    kvd_signal = sig;
}

static int kvd_address(const char *path, struct sockaddr_un *out)
{
    memset(out, 0, sizeof *out);
    out->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof out->sun_path)
        return -1;
    strcpy(out->sun_path, path);
    return 0;
}

static int kvd_open_socket(struct kvd_platform *p, const struct kvd_config *c)
{
    struct sockaddr_un me;
    if (kvd_address(c->port, &me) < 0 || kvd_address(c->peer, &p->peer) < 0) {
        fprintf(stderr, "nimbus kvd: socket path too long: %s\n", strlen(c->port) >= sizeof me.sun_path ? c->port : c->peer);
        return -1;
    }
    p->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (p->fd < 0 || bind(p->fd, (const struct sockaddr *)&me, sizeof me) < 0) {
        fprintf(stderr, "nimbus kvd: cannot bind the LAN socket %s: %s\n", c->port, strerror(errno));
        return -1;
    }
    return 0;
}

/* Every frame the receiver has queued, to the kernel. */
static void kvd_take_frames(struct kvd_rx *rx, struct kernel *k)
{
    static uint8_t frame[HAL_NET_MAX_FRAME];
    uint32_t len;
    kvd_rx_clear_wake(rx);
    while ((len = kvd_rx_take(rx, frame)) != 0)
        kernel_on_frame(k, frame, len);
}

static void kvd_loop(struct kvd_platform *p, struct kvd_rx *rx, struct kernel *k, const sigset_t *wait_mask)
{
    while (kvd_signal == 0) {
        uint64_t now = kvd_platform_now_ns(p), next = kernel_next_deadline(k);
        struct timespec ts = {0, 0}, *timeout = NULL;
        if (next != HAL_TIME_NEVER) {
            uint64_t wait = next > now ? next - now : 0;
            ts = (struct timespec){(time_t)(wait / 1000000000u), (long)(wait % 1000000000u)};
            timeout = &ts;
        }
        struct pollfd pfd = {.fd = kvd_rx_wake_fd(rx), .events = POLLIN};
        if (ppoll(&pfd, 1, timeout, wait_mask) > 0)
            kvd_take_frames(rx, k);
        if (kernel_next_deadline(k) <= kvd_platform_now_ns(p))
            kernel_on_timer(k);
    }
}

static void kvd_say_up(const struct kvd_platform *p, const struct kvd_config *c)
{
    uint32_t ip = 0x0A000001u + c->node; /* the core's default: 10.0.0.<node+1> */
    printf("nimbus kvd: node %u of %u up: ip %u.%u.%u.%u, mac %02x:%02x:%02x:%02x:%02x:%02x; LMDB store %s "
           "(%llu keys); LAN port %s, peer %s\n",
           c->node, c->nodes, ip >> 24, (ip >> 16) & 0xffu, (ip >> 8) & 0xffu, ip & 0xffu, p->mac[0], p->mac[1],
           p->mac[2], p->mac[3], p->mac[4], p->mac[5], c->db_dir, (unsigned long long)kvd_lmdb_count(p->db),
           c->port, c->peer);
    fflush(stdout);
}

static int kvd_run_node(struct kvd_platform *p, const struct kvd_config *c)
{
    struct hal hal = kvd_platform_hal(p);
    uint32_t epoch = 0;
    while (epoch == 0)
        epoch = hal.random->next_u32(p);
    struct kernel_config cfg = {
        .node_id = c->node, .node_count = c->nodes, .epoch = epoch, .service_only = true};
    struct kernel *k = kernel_create(&hal, &cfg);
    if (k == NULL) {
        fprintf(stderr, "nimbus kvd: out of memory for the kernel\n");
        return KVD_EXIT_FAILED;
    }
    sigset_t block, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &wait_mask);
    struct sigaction sa = {.sa_handler = kvd_on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct kvd_rx *rx = malloc(sizeof *rx);
    if (rx == NULL || kvd_rx_start(rx, p->fd) < 0) {
        fprintf(stderr, "nimbus kvd: cannot start the receiver: %s\n", rx == NULL ? "out of memory" : strerror(errno));
        free(rx);
        kernel_destroy(k);
        return KVD_EXIT_FAILED;
    }
    kvd_say_up(p, c);
    kvd_loop(p, rx, k, &wait_mask);
    kvd_rx_stop(rx);
    kernel_destroy(k);
    printf("nimbus kvd: stopped (%s): %llu commits for %llu requests, %llu us a commit; %llu frames dropped%s\n",
           kvd_signal == SIGINT ? "SIGINT" : "SIGTERM", (unsigned long long)p->commits,
           (unsigned long long)p->requests, (unsigned long long)(p->commits > 0 ? p->commit_us / p->commits : 0),
           (unsigned long long)rx->dropped, p->commit_errors > 0 ? ", some commits failed" : "");
    free(rx);
    return KVD_EXIT_OK;
}

int kvd_serve(const struct kvd_config *c)
{
    char err[512];
    struct kvd_platform p = {.node = c->node, .fd = -1, .mac = {0x02, 'k', 'v', 'd', (uint8_t)(c->node >> 8), (uint8_t)c->node}};
    p.db = kvd_lmdb_open(c->db_dir, false, c->map_bytes, err, sizeof err);
    if (p.db == NULL) {
        fprintf(stderr, "nimbus kvd: %s\n", err);
        return KVD_EXIT_FAILED;
    }
    int status = KVD_EXIT_FAILED;
    if (kvd_open_socket(&p, c) == 0) {
        status = kvd_run_node(&p, c);
        unlink(c->port);
    }
    if (p.fd >= 0)
        close(p.fd);
    kvd_lmdb_close(p.db);
    return status;
}
