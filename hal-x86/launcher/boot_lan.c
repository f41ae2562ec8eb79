/* boot_lan.c - see boot_lan.h. */
#define _GNU_SOURCE /* SOCK_CLOEXEC, SOCK_NONBLOCK */
#include "boot_lan.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static bool boot_lan_address(const char *path, struct sockaddr_un *out)
{
    memset(out, 0, sizeof *out);
    out->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof out->sun_path)
        return false;
    strcpy(out->sun_path, path);
    return true;
}

int boot_lan_open(struct boot_lan *lan, uint32_t ports, const char *const ours[], const char *const theirs[],
                  char *err, size_t err_bytes)
{
    memset(lan, 0, sizeof *lan);
    for (uint32_t i = 0; i < BOOT_MAX_NODES; i++)
        lan->fd[i] = -1;
    lan->ports = ports;
    for (uint32_t i = 0; i < ports; i++) {
        struct sockaddr_un me;
        if (!boot_lan_address(ours[i], &me) || !boot_lan_address(theirs[i], &lan->peer[i])) {
            snprintf(err, err_bytes, "socket path too long: %s", ours[i]);
            boot_lan_close(lan);
            return -1;
        }
        lan->fd[i] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (lan->fd[i] < 0 || bind(lan->fd[i], (const struct sockaddr *)&me, sizeof me) < 0) {
            snprintf(err, err_bytes, "cannot open the LAN socket %s: %s", ours[i], strerror(errno));
            boot_lan_close(lan);
            return -1;
        }
    }
    return 0;
}

/* ---- learning and routing ---- */

static int boot_lan_lookup(const struct boot_lan *lan, const uint8_t mac[6])
{
    for (uint32_t i = 0; i < BOOT_LAN_MAC_ENTRIES; i++)
        if (lan->table[i].used && memcmp(lan->table[i].mac, mac, 6) == 0)
            return (int)i;
    return -1;
}

static void boot_lan_learn(struct boot_lan *lan, const uint8_t mac[6], uint32_t port)
{
    if (mac[0] & 1u) /* a group address is never a source */
        return;
    int i = boot_lan_lookup(lan, mac);
    if (i < 0) {
        i = (int)lan->table_next;
        lan->table_next = (lan->table_next + 1) % BOOT_LAN_MAC_ENTRIES;
        memcpy(lan->table[i].mac, mac, 6);
        lan->table[i].used = true;
    }
    lan->table[i].port = (uint8_t)port;
}

uint32_t boot_lan_route(struct boot_lan *lan, uint32_t in_port, const uint8_t *frame, size_t len)
{
    if (len < BOOT_ETH_HEADER_BYTES || in_port >= lan->ports)
        return 0;
    const uint8_t *dst = frame, *src = frame + 6;
    boot_lan_learn(lan, src, in_port);
    uint32_t others = ((lan->ports == 32 ? 0 : 1u << lan->ports) - 1u) & ~(1u << in_port);
    int known = (dst[0] & 1u) ? -1 : boot_lan_lookup(lan, dst);
    if (known < 0)
        return others;
    return others & (1u << lan->table[known].port);
}

/* ---- the queues ---- */

static bool boot_lan_room(const struct boot_lan_queue *q)
{
    return q->bytes + BOOT_LAN_FRAME_BYTES <= BOOT_LAN_QUEUE_BYTES;
}

static bool boot_lan_stalled(const struct boot_lan_queue *q, uint64_t now_ms)
{
    return q->head != NULL && now_ms - q->moved_ms >= BOOT_LAN_STALL_MS;
}

/* Port `port` may be read while every frame it could send has room: no
 * other port's queue is full, unless that queue has stalled. */
static bool boot_lan_may_read(const struct boot_lan *lan, uint32_t port, uint64_t now_ms)
{
    for (uint32_t q = 0; q < lan->ports; q++)
        if (q != port && !boot_lan_room(&lan->queue[q]) && !boot_lan_stalled(&lan->queue[q], now_ms))
            return false;
    return true;
}

static void boot_lan_drop_queue(struct boot_lan *lan, uint32_t port, enum boot_lan_drop reason)
{
    struct boot_lan_queue *q = &lan->queue[port];
    while (q->head != NULL) {
        struct boot_lan_frame *f = q->head;
        q->head = f->next;
        free(f);
        lan->dropped[reason]++;
    }
    q->tail = NULL;
    q->bytes = 0;
}

/* The port's QEMU has gone (or never came): what waits for it is lost,
 * and the next frame for it looks for a QEMU again. */
static void boot_lan_port_down(struct boot_lan *lan, uint32_t port)
{
    lan->connected[port] = false;
    boot_lan_drop_queue(lan, port, BOOT_LAN_DROP_DOWN);
}

/* Send the port's queue until its QEMU's socket is full. Connected, so
 * that poll's POLLOUT says when that socket has room again. */
static void boot_lan_drain(struct boot_lan *lan, uint32_t port, uint64_t now_ms)
{
    struct boot_lan_queue *q = &lan->queue[port];
    while (q->head != NULL) {
        struct boot_lan_frame *f = q->head;
        if (send(lan->fd[port], f->data, f->len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS && errno != EINTR)
                boot_lan_port_down(lan, port);
            return;
        }
        q->head = f->next;
        if (q->head == NULL)
            q->tail = NULL;
        q->bytes -= f->len;
        q->moved_ms = now_ms;
        free(f);
    }
}

static void boot_lan_enqueue(struct boot_lan *lan, uint32_t port, const uint8_t *frame, size_t len,
                             uint64_t now_ms)
{
    if (!lan->connected[port]) {
        if (connect(lan->fd[port], (const struct sockaddr *)&lan->peer[port], sizeof lan->peer[port]) < 0) {
            lan->dropped[BOOT_LAN_DROP_DOWN]++;
            return;
        }
        lan->connected[port] = true;
    }
    struct boot_lan_queue *q = &lan->queue[port];
    struct boot_lan_frame *f = boot_lan_room(q) ? malloc(sizeof *f + len) : NULL;
    if (f == NULL) {
        lan->dropped[BOOT_LAN_DROP_FULL]++;
        return;
    }
    f->next = NULL;
    f->len = len;
    memcpy(f->data, frame, len);
    if (q->tail != NULL)
        q->tail->next = f;
    else {
        q->head = f;
        q->moved_ms = now_ms;
    }
    q->tail = f;
    q->bytes += len;
    boot_lan_drain(lan, port, now_ms);
}

/* ---- the ports ---- */

short boot_lan_events(const struct boot_lan *lan, uint32_t port, uint64_t now_ms)
{
    short events = 0;
    if (boot_lan_may_read(lan, port, now_ms))
        events |= POLLIN;
    if (lan->queue[port].head != NULL)
        events |= POLLOUT;
    return events;
}

static void boot_lan_forward(struct boot_lan *lan, uint32_t port, uint64_t now_ms)
{
    while (boot_lan_may_read(lan, port, now_ms)) {
        ssize_t n = recv(lan->fd[port], lan->frame, sizeof lan->frame, MSG_DONTWAIT);
        if (n < 0)
            return; /* EAGAIN: drained; anything else: nothing to read either */
        lan->frames++;
        uint32_t to = boot_lan_route(lan, port, lan->frame, (size_t)n);
        if ((size_t)n < BOOT_ETH_HEADER_BYTES)
            lan->dropped[BOOT_LAN_DROP_RUNT]++;
        for (uint32_t q = 0; q < lan->ports; q++)
            if (to & (1u << q))
                boot_lan_enqueue(lan, q, lan->frame, (size_t)n, now_ms);
    }
}

void boot_lan_handle(struct boot_lan *lan, uint32_t port, short revents, uint64_t now_ms)
{
    if (revents & POLLERR) { /* the connected QEMU's socket went away */
        int e;
        socklen_t len = sizeof e;
        getsockopt(lan->fd[port], SOL_SOCKET, SO_ERROR, &e, &len); /* clears it */
        boot_lan_port_down(lan, port);
    }
    if (revents & POLLOUT)
        boot_lan_drain(lan, port, now_ms);
    if (revents & POLLIN)
        boot_lan_forward(lan, port, now_ms);
}

int64_t boot_lan_wait_ms(const struct boot_lan *lan, uint64_t now_ms)
{
    int64_t wait = -1;
    for (uint32_t p = 0; p < lan->ports; p++) {
        const struct boot_lan_queue *q = &lan->queue[p];
        if (boot_lan_room(q) || boot_lan_stalled(q, now_ms))
            continue;
        int64_t w = (int64_t)(q->moved_ms + BOOT_LAN_STALL_MS - now_ms);
        if (wait < 0 || w < wait)
            wait = w;
    }
    return wait;
}

uint64_t boot_lan_dropped(const struct boot_lan *lan)
{
    uint64_t total = 0;
    for (uint32_t r = 0; r < BOOT_LAN_DROP_REASONS; r++)
        total += lan->dropped[r];
    return total;
}

void boot_lan_describe(const struct boot_lan *lan, char *buf, size_t bytes)
{
    static const char *const why[BOOT_LAN_DROP_REASONS] = {
        [BOOT_LAN_DROP_RUNT] = "runt",
        [BOOT_LAN_DROP_DOWN] = "to a port that was down",
        [BOOT_LAN_DROP_FULL] = "to a full, stalled queue",
        [BOOT_LAN_DROP_END] = "still queued at the end",
    };
    uint64_t total = boot_lan_dropped(lan);
    size_t used = (size_t)snprintf(buf, bytes, "%llu frames, %llu dropped", (unsigned long long)lan->frames,
                                   (unsigned long long)total);
    const char *sep = " (";
    for (uint32_t r = 0; r < BOOT_LAN_DROP_REASONS && used < bytes; r++)
        if (lan->dropped[r] > 0) {
            used += (size_t)snprintf(buf + used, bytes - used, "%s%llu %s", sep,
                                     (unsigned long long)lan->dropped[r], why[r]);
            sep = ", ";
        }
    if (total > 0 && used < bytes)
        snprintf(buf + used, bytes - used, ")");
}

void boot_lan_close(struct boot_lan *lan)
{
    for (uint32_t i = 0; i < BOOT_MAX_NODES; i++) {
        boot_lan_drop_queue(lan, i, BOOT_LAN_DROP_END);
        if (lan->fd[i] >= 0)
            close(lan->fd[i]);
        lan->fd[i] = -1;
        lan->connected[i] = false;
    }
}
