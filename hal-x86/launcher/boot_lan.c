/* boot_lan.c - see boot_lan.h. */
#define _GNU_SOURCE /* SOCK_CLOEXEC, SOCK_NONBLOCK */
#include "boot_lan.h"

#include <errno.h>
#include <stdio.h>
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

void boot_lan_forward(struct boot_lan *lan, uint32_t port)
{
    for (;;) {
        ssize_t n = recv(lan->fd[port], lan->frame, sizeof lan->frame, MSG_DONTWAIT);
        if (n < 0)
            return; /* EAGAIN: drained; anything else: nothing to read either */
        lan->frames++;
        uint32_t to = boot_lan_route(lan, port, lan->frame, (size_t)n);
        if (to == 0)
            lan->dropped += (size_t)n < BOOT_ETH_HEADER_BYTES;
        for (uint32_t q = 0; q < lan->ports; q++)
            if ((to & (1u << q)) && sendto(lan->fd[q], lan->frame, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL,
                                           (const struct sockaddr *)&lan->peer[q], sizeof lan->peer[q]) < 0)
                lan->dropped++;
    }
}

void boot_lan_close(struct boot_lan *lan)
{
    for (uint32_t i = 0; i < BOOT_MAX_NODES; i++) {
        if (lan->fd[i] >= 0)
            close(lan->fd[i]);
        lan->fd[i] = -1;
    }
}
