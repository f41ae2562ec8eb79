/*
 * test_boot_lan.c - the switch behind `nimbus boot` (hal-x86/launcher/
 * boot_lan.c) over real unix datagram sockets: the "QEMU" ends are
 * sockets bound where a node's QEMU binds its own. A receiver that does
 * not read loses nothing (its frames wait in nimbus and arrive in order
 * once it reads); a full queue holds the senders back until it stalls;
 * every drop is counted under its reason; and why the queues are needed:
 * bigger socket buffers do not make a socket hold more datagrams.
 */
#define _GNU_SOURCE /* mkdtemp, SOCK_NONBLOCK */

#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hal-x86/launcher/boot_lan.h"

#define PORTS 2u

static char dir[64];
static char ours[PORTS][128], theirs[PORTS][128];
static int node_fd[PORTS] = {-1, -1};
static struct boot_lan lan;

static void setup(void)
{
    strcpy(dir, "/tmp/test_boot_lan.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    const char *o[PORTS], *t[PORTS];
    for (uint32_t i = 0; i < PORTS; i++) {
        snprintf(ours[i], sizeof ours[i], "%s/lan%u.sock", dir, i);
        snprintf(theirs[i], sizeof theirs[i], "%s/node%u.sock", dir, i);
        o[i] = ours[i];
        t[i] = theirs[i];
    }
    char err[160];
    cr_assert_eq(boot_lan_open(&lan, PORTS, o, t, err, sizeof err), 0, "%s", err);
}

static void teardown(void)
{
    boot_lan_close(&lan);
    for (uint32_t i = 0; i < PORTS; i++) {
        if (node_fd[i] >= 0)
            close(node_fd[i]);
        node_fd[i] = -1;
        unlink(ours[i]);
        unlink(theirs[i]);
    }
    rmdir(dir);
}

/* Node i's QEMU end: bound at theirs[i], never read unless a test does. */
static void node_up(uint32_t i)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, theirs[i]);
    node_fd[i] = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    cr_assert(node_fd[i] >= 0 && bind(node_fd[i], (struct sockaddr *)&a, sizeof a) == 0);
}

/* A broadcast frame of `len` bytes from node 0 whose payload starts with k. */
static size_t frame(uint8_t *f, size_t len, uint32_t k)
{
    memset(f, 0, len);
    memset(f, 0xff, 6);
    const uint8_t src[6] = {0x52, 0x54, 0, 0, 0, 1};
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    if (len >= BOOT_ETH_HEADER_BYTES + sizeof k)
        memcpy(f + BOOT_ETH_HEADER_BYTES, &k, sizeof k);
    return len;
}

/* Node 0 sends frame k; when its port's socket is full the switch is
 * given the turn poll would give it. False if the switch may not read. */
static bool node0_send(uint32_t k, size_t len, uint64_t now_ms)
{
    static uint8_t f[BOOT_LAN_FRAME_BYTES];
    struct sockaddr_un to = {.sun_family = AF_UNIX};
    strcpy(to.sun_path, ours[0]);
    frame(f, len, k);
    while (sendto(node_fd[0], f, len, 0, (struct sockaddr *)&to, sizeof to) < 0) {
        cr_assert_eq(errno, EAGAIN, "%s", strerror(errno));
        short ev = boot_lan_events(&lan, 0, now_ms);
        if (!(ev & POLLIN))
            return false;
        boot_lan_handle(&lan, 0, POLLIN, now_ms);
    }
    boot_lan_handle(&lan, 0, boot_lan_events(&lan, 0, now_ms) & POLLIN, now_ms);
    return true;
}

static short poll_out(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    cr_assert_geq(poll(&p, 1, 0), 0);
    return p.revents & POLLOUT;
}

Test(boot_lan, a_receiver_that_does_not_read_loses_nothing, .init = setup, .fini = teardown)
{
    node_up(0);
    node_up(1);
    const uint32_t frames = 200;
    for (uint32_t k = 0; k < frames; k++)
        cr_assert(node0_send(k, 1514, 0), "frame %u: the switch stopped reading", k);
    cr_assert_eq(boot_lan_dropped(&lan), 0);
    cr_assert_eq(lan.frames, frames);
    cr_assert_not_null(lan.queue[1].head, "node 1's socket is full: the rest waits in nimbus");
    cr_assert(boot_lan_events(&lan, 1, 0) & POLLOUT);
    cr_assert_eq(poll_out(lan.fd[1]), 0, "the kernel says when node 1's socket has room, not before");

    uint8_t got[2048];
    for (uint32_t k = 0; k < frames; k++) {
        ssize_t n;
        while ((n = recv(node_fd[1], got, sizeof got, 0)) < 0) {
            cr_assert_eq(errno, EAGAIN);
            cr_assert_neq(poll_out(lan.fd[1]), 0, "frame %u: room, but no POLLOUT", k);
            boot_lan_handle(&lan, 1, POLLOUT, 0);
        }
        uint32_t index;
        memcpy(&index, got + BOOT_ETH_HEADER_BYTES, sizeof index);
        cr_assert_eq(n, 1514);
        cr_assert_eq(index, k, "frames arrive in the order sent");
    }
    cr_assert_null(lan.queue[1].head);
    char text[160];
    boot_lan_describe(&lan, text, sizeof text);
    cr_assert_str_eq(text, "200 frames, 0 dropped");
}

Test(boot_lan, a_full_queue_holds_the_senders_back_until_it_stalls, .init = setup, .fini = teardown)
{
    node_up(0);
    node_up(1);
    const size_t big = 60000;
    uint32_t sent = 0;
    while (node0_send(sent, big, 1000))
        sent++;
    cr_assert_eq(boot_lan_dropped(&lan), 0, "nothing is lost while the switch holds back");
    cr_assert_eq(boot_lan_events(&lan, 0, 1000) & POLLIN, 0, "node 1's queue is full: node 0 is not read");
    cr_assert_eq(boot_lan_wait_ms(&lan, 1000), BOOT_LAN_STALL_MS,
                 "until the queue has not moved for so long");
    uint64_t stalled = 1000 + BOOT_LAN_STALL_MS;
    cr_assert_eq(boot_lan_wait_ms(&lan, stalled), -1);
    cr_assert(boot_lan_events(&lan, 0, stalled) & POLLIN, "a stalled queue no longer holds node 0 back");
    uint64_t read_before = lan.frames;
    boot_lan_handle(&lan, 0, POLLIN, stalled); /* what waited in node 0's port */
    cr_assert(node0_send(sent, big, stalled));
    cr_assert(node0_send(sent + 1, 10, stalled));
    cr_assert_eq(lan.dropped[BOOT_LAN_DROP_RUNT], 1);
    cr_assert_eq(lan.dropped[BOOT_LAN_DROP_FULL], lan.frames - read_before - 1,
                 "every frame after the stall found the queue full");
    cr_assert_gt(lan.dropped[BOOT_LAN_DROP_FULL], 0);
    uint64_t queued = 0;
    for (const struct boot_lan_frame *f = lan.queue[1].head; f != NULL; f = f->next)
        queued++;
    boot_lan_close(&lan);
    cr_assert_eq(lan.dropped[BOOT_LAN_DROP_END], queued);
    char text[160], want[160];
    boot_lan_describe(&lan, text, sizeof text);
    snprintf(
        want, sizeof want,
        "%llu frames, %llu dropped (1 runt, %llu to a full, stalled queue, %llu still queued at the end)",
        (unsigned long long)lan.frames, (unsigned long long)(lan.dropped[BOOT_LAN_DROP_FULL] + queued + 1),
        (unsigned long long)lan.dropped[BOOT_LAN_DROP_FULL], (unsigned long long)queued);
    cr_assert_str_eq(text, want);
}

Test(boot_lan, frames_to_a_port_without_its_qemu_are_dropped_as_down, .init = setup, .fini = teardown)
{
    node_up(0);
    for (uint32_t k = 0; k < 3; k++)
        cr_assert(node0_send(k, 60, 0));
    node_up(1);
    cr_assert(node0_send(3, 60, 0));
    close(node_fd[1]); /* node 1's QEMU exits */
    node_fd[1] = -1;
    cr_assert(node0_send(4, 60, 0));
    cr_assert_eq(lan.dropped[BOOT_LAN_DROP_DOWN], 4, "three before node 1 was up, one after it went");
    char text[160];
    boot_lan_describe(&lan, text, sizeof text);
    cr_assert_str_eq(text, "5 frames, 4 dropped (4 to a port that was down)");
}

/* Datagrams of 1514 bytes a fresh socket at theirs[1] takes from lan.fd[1]
 * before EAGAIN, with both sockets' buffers set to `buffer_bytes` (0: as
 * they come). */
static uint32_t datagrams_held(int buffer_bytes)
{
    node_up(1);
    if (buffer_bytes > 0) {
        setsockopt(node_fd[1], SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
        setsockopt(lan.fd[1], SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
    }
    cr_assert_eq(connect(lan.fd[1], (struct sockaddr *)&lan.peer[1], sizeof lan.peer[1]), 0);
    static uint8_t f[1514];
    uint32_t n = 0;
    while (send(lan.fd[1], f, sizeof f, MSG_DONTWAIT) == (ssize_t)sizeof f && n < 100000)
        n++;
    close(node_fd[1]);
    node_fd[1] = -1;
    unlink(theirs[1]);
    return n;
}

/* Why the queues: a QEMU's socket holds a number of datagrams (the
 * system's net.unix.max_dgram_qlen, plus one) that bigger buffers do not
 * change (docs/x86.md, "The LAN"). */
Test(boot_lan, bigger_socket_buffers_hold_no_more_datagrams, .init = setup, .fini = teardown)
{
    uint32_t plain = datagrams_held(0), big = datagrams_held(4 << 20);
    cr_assert_lt(plain, 100, "a socket holds few datagrams (%u)", plain);
    cr_assert_eq(big, plain, "4 MiB buffers: %u datagrams, %u without", big, plain);
}
