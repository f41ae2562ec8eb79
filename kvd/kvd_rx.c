/* kvd_rx.c - see kvd_rx.h. */
#define _GNU_SOURCE /* pipe2 */
#include "kvd_rx.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void kvd_rx_push(struct kvd_rx *rx, const uint8_t *frame, uint32_t len)
{
    pthread_mutex_lock(&rx->lock);
    if (rx->count == KVD_RX_FRAMES) {
        rx->dropped++;
    } else {
        struct kvd_rx_frame *f = &rx->ring[(rx->head + rx->count) % KVD_RX_FRAMES];
        f->len = len;
        memcpy(f->bytes, frame, len);
        rx->count++;
    }
    pthread_mutex_unlock(&rx->lock);
    ssize_t w = write(rx->wake[1], "", 1); /* a full pipe already wakes the main thread */
    (void)w;
}

static void *kvd_rx_main(void *arg)
{
    struct kvd_rx *rx = arg;
    static uint8_t frame[HAL_NET_MAX_FRAME + 1]; /* one byte more: a longer datagram shows as too long */
    struct pollfd fds[2] = {{.fd = rx->fd, .events = POLLIN}, {.fd = rx->stop[0], .events = POLLIN}};
    while (poll(fds, 2, -1) >= 0 && fds[1].revents == 0) {
        ssize_t n;
        while ((n = recv(rx->fd, frame, sizeof frame, MSG_DONTWAIT)) >= 0)
            if (n <= (ssize_t)HAL_NET_MAX_FRAME)
                kvd_rx_push(rx, frame, (uint32_t)n);
    }
    return NULL;
}

int kvd_rx_start(struct kvd_rx *rx, int fd)
{
    rx->fd = fd;
    rx->head = rx->count = 0;
    rx->dropped = 0;
    rx->running = false;
    if (pipe2(rx->wake, O_CLOEXEC | O_NONBLOCK) < 0)
        return -1;
    if (pipe2(rx->stop, O_CLOEXEC) < 0) {
        close(rx->wake[0]);
        close(rx->wake[1]);
        return -1;
    }
    pthread_mutex_init(&rx->lock, NULL);
    if (pthread_create(&rx->thread, NULL, kvd_rx_main, rx) != 0) {
        kvd_rx_stop(rx);
        return -1;
    }
    rx->running = true;
    return 0;
}

int kvd_rx_wake_fd(const struct kvd_rx *rx)
{
    return rx->wake[0];
}

void kvd_rx_clear_wake(struct kvd_rx *rx)
{
    char buf[256];
    while (read(rx->wake[0], buf, sizeof buf) > 0)
        ;
}

uint32_t kvd_rx_take(struct kvd_rx *rx, uint8_t *out)
{
    uint32_t len = 0;
    pthread_mutex_lock(&rx->lock);
    if (rx->count > 0) {
        const struct kvd_rx_frame *f = &rx->ring[rx->head];
        len = f->len;
        memcpy(out, f->bytes, len);
        rx->head = (rx->head + 1) % KVD_RX_FRAMES;
        rx->count--;
    }
    pthread_mutex_unlock(&rx->lock);
    return len;
}

void kvd_rx_stop(struct kvd_rx *rx)
{
    if (rx->running) {
        ssize_t w = write(rx->stop[1], "", 1);
        (void)w;
        pthread_join(rx->thread, NULL);
        rx->running = false;
    }
    pthread_mutex_destroy(&rx->lock);
    int fds[] = {rx->wake[0], rx->wake[1], rx->stop[0], rx->stop[1]};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        close(fds[i]);
}
