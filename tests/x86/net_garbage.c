/*
 * net_garbage - feeds an x86 node on a -netdev dgram LAN raw Ethernet
 * frames: every UDP datagram sent to the node's port on 127.0.0.1 arrives
 * at its NIC as one frame (tests/x86/net_corrupt.sh).
 *
 *   net_garbage garbage PORT MAC COUNT SEED GAP_US
 *       COUNT corrupt frames, GAP_US microseconds apart, of the kinds in
 *       `kinds` below, in turn; the bytes depend only on SEED.
 *   net_garbage echo PORT MAC IDENT
 *       one well-formed ICMP echo request from 10.0.0.99 to 10.0.0.1 with
 *       identifier IDENT and the data "cumulonimbus".
 *
 * MAC is the node's, as 12 hex digits. Exit 0, 1 when sending fails, 2 on
 * bad arguments. Only 127.0.0.1 is ever addressed.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX 1600u /* longer than any frame the NIC accepts */
#define ETH_HEADER 14u
#define IP_HEADER 20u
#define UDP_HEADER 8u
#define CLUSTER_HEADER 32u
#define CLUSTER_PORT 5119u

struct frame {
    uint8_t b[FRAME_MAX];
    uint32_t len;
};

static uint64_t rng_state;

/* xorshift64*: the same SEED gives the same frames. */
static uint32_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static uint32_t rng_below(uint32_t n) { return rng_next() % n; }

static void put(struct frame *f, const void *bytes, uint32_t n)
{
    memcpy(f->b + f->len, bytes, n);
    f->len += n;
}

static void put_u8(struct frame *f, uint8_t v) { put(f, &v, 1); }

static void put_u16(struct frame *f, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    put(f, b, 2);
}

static void put_random(struct frame *f, uint32_t n)
{
    while (n-- > 0 && f->len < FRAME_MAX)
        put_u8(f, (uint8_t)rng_next());
}

static uint16_t inet_checksum(const uint8_t *p, uint32_t n)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xFFFFu) + (sum >> 16);
    return (uint16_t)~sum;
}

static const uint8_t broadcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
static const uint8_t stranger[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x99};
static uint8_t node_mac[6];

static void put_ethernet(struct frame *f, const uint8_t *dst, uint16_t type)
{
    f->len = 0;
    put(f, dst, 6);
    put(f, stranger, 6);
    put_u16(f, type);
}

/* A correct IPv4 header from 10.0.0.99 to 10.0.0.1 for `payload` bytes. */
static void put_ipv4(struct frame *f, uint8_t protocol, uint32_t payload)
{
    uint32_t start = f->len;
    static const uint8_t addrs[8] = {10, 0, 0, 99, 10, 0, 0, 1};
    put_u8(f, 0x45);
    put_u8(f, 0);
    put_u16(f, (uint16_t)(IP_HEADER + payload));
    put_u16(f, 0);
    put_u16(f, 0x4000); /* DF */
    put_u8(f, 64);
    put_u8(f, protocol);
    put_u16(f, 0);
    put(f, addrs, sizeof addrs);
    uint16_t sum = inet_checksum(f->b + start, IP_HEADER);
    f->b[start + 10] = (uint8_t)(sum >> 8);
    f->b[start + 11] = (uint8_t)sum;
}

/* A UDP header between cluster ports, checksum 0 (receivers skip it). */
static void put_cluster_udp(struct frame *f, uint32_t payload)
{
    put_ipv4(f, 17, UDP_HEADER + payload);
    put_u16(f, CLUSTER_PORT);
    put_u16(f, CLUSTER_PORT);
    put_u16(f, (uint16_t)(UDP_HEADER + payload));
    put_u16(f, 0);
}

static void kind_random_bytes(struct frame *f)
{
    f->len = 0;
    put_random(f, 1 + rng_below(FRAME_MAX));
}

/* To the node, IPv4, a plausible first byte, then noise. */
static void kind_ipv4_noise(struct frame *f)
{
    put_ethernet(f, node_mac, 0x0800);
    put_u8(f, 0x45);
    put_random(f, rng_below(1500));
}

static void kind_arp_noise(struct frame *f)
{
    put_ethernet(f, broadcast, 0x0806);
    put_random(f, rng_below(64));
}

/* The cluster magic and version, then noise: too short, or a header whose
 * fields and CRC are wrong. */
static void kind_cluster_noise(struct frame *f)
{
    uint32_t payload = 3 + rng_below(80);
    put_ethernet(f, node_mac, 0x0800);
    put_cluster_udp(f, payload);
    put(f, "CN\x01", 3);
    put_random(f, payload - 3);
}

/* A whole cluster header with a payload length that disagrees with the
 * datagram. */
static void kind_cluster_bad_length(struct frame *f)
{
    uint32_t payload = CLUSTER_HEADER + rng_below(64);
    put_ethernet(f, node_mac, 0x0800);
    put_cluster_udp(f, payload);
    put(f, "CN\x01", 3);
    put_u8(f, (uint8_t)(16 + rng_below(16)));
    put_random(f, 20);
    put_u16(f, (uint16_t)(payload + 1 + rng_below(1000)));
    put_random(f, payload - 26);
}

/* An ICMP message with a wrong checksum. */
static void kind_icmp_noise(struct frame *f)
{
    uint32_t payload = rng_below(64);
    put_ethernet(f, node_mac, 0x0800);
    put_ipv4(f, 1, payload);
    put_random(f, payload);
}

/* Longer than 1514 bytes: the NIC or the driver must drop it. */
static void kind_too_long(struct frame *f)
{
    put_ethernet(f, node_mac, 0x0800);
    put_random(f, 1501 + rng_below(FRAME_MAX - ETH_HEADER - 1501));
}

static void (*const kinds[])(struct frame *) = {
    kind_random_bytes, kind_ipv4_noise,  kind_arp_noise, kind_cluster_noise,
    kind_cluster_bad_length, kind_icmp_noise, kind_too_long,
};
#define KIND_COUNT (sizeof kinds / sizeof kinds[0])

static void build_echo(struct frame *f, uint16_t ident)
{
    static const char data[] = "cumulonimbus";
    uint32_t icmp_len = 8 + (uint32_t)strlen(data);
    put_ethernet(f, node_mac, 0x0800);
    put_ipv4(f, 1, icmp_len);
    uint32_t start = f->len;
    put_u8(f, 8); /* echo request */
    put_u8(f, 0);
    put_u16(f, 0);
    put_u16(f, ident);
    put_u16(f, 1);
    put(f, data, (uint32_t)strlen(data));
    uint16_t sum = inet_checksum(f->b + start, icmp_len);
    f->b[start + 2] = (uint8_t)(sum >> 8);
    f->b[start + 3] = (uint8_t)sum;
}

static int open_socket(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (const struct sockaddr *)&to, sizeof to) != 0) {
        perror("net_garbage: socket to 127.0.0.1");
        return -1;
    }
    return fd;
}

static bool send_frame(int fd, const struct frame *f)
{
    if (send(fd, f->b, f->len, 0) == (ssize_t)f->len)
        return true;
    perror("net_garbage: send");
    return false;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    if (s[0] < '0' || s[0] > '9')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
    if (strlen(s) != 12)
        return false;
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static int usage(void)
{
    fprintf(stderr, "usage: net_garbage garbage PORT MAC COUNT SEED GAP_US\n"
                    "       net_garbage echo PORT MAC IDENT\n"
                    "  PORT 1..65535 on 127.0.0.1, MAC 12 hex digits\n");
    return 2;
}

static int send_garbage(int fd, uint64_t count, uint64_t gap_us)
{
    struct timespec gap = {.tv_sec = (time_t)(gap_us / 1000000u),
                           .tv_nsec = (long)(gap_us % 1000000u * 1000u)};
    struct frame f;
    for (uint64_t i = 0; i < count; i++) {
        kinds[i % KIND_COUNT](&f);
        if (!send_frame(fd, &f))
            return 1;
        nanosleep(&gap, NULL);
    }
    printf("net_garbage: sent %llu corrupt frames of %zu kinds\n", (unsigned long long)count, KIND_COUNT);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t port, a, b, c;
    if (argc < 4 || !parse_u64(argv[2], 65535, &port) || port == 0 || !parse_mac(argv[3], node_mac))
        return usage();
    bool garbage = strcmp(argv[1], "garbage") == 0 && argc == 7 && parse_u64(argv[4], 1000000, &a) &&
                   parse_u64(argv[5], UINT64_MAX, &b) && parse_u64(argv[6], 1000000, &c);
    bool echo = strcmp(argv[1], "echo") == 0 && argc == 5 && parse_u64(argv[4], 0xFFFF, &a);
    if (!garbage && !echo)
        return usage();
    int fd = open_socket((uint16_t)port);
    if (fd < 0)
        return 1;
    int status;
    if (garbage) {
        rng_state = b | 1u; /* xorshift needs a non-zero state */
        status = send_garbage(fd, a, c);
    } else {
        struct frame f;
        build_echo(&f, (uint16_t)a);
        status = send_frame(fd, &f) ? 0 : 1;
    }
    close(fd);
    return status;
}
