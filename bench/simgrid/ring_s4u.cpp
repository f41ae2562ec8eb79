/*
 * ring_s4u: the token ring of user/programs/ring.c written against
 * SimGrid's S4U API, for bench/compare_simgrid.sh (SimGrid is used for this
 * benchmark only; this file is C++ because S4U is).
 *
 *   ring_s4u <nodes> <laps> [--latency-ns N] [--bandwidth-bps N]
 *            [--frame-bytes N] [--instructions-per-hop N] [--mips N]
 *            [--no-resolve] [SimGrid's --cfg=... options]
 *
 * One actor on each of <nodes> hosts. Host 0 passes a token to host 1, and
 * so on round the ring; after <laps> laps host 0 sends "stop" round instead,
 * so the ring carries (laps + 1) * nodes hops, as ours does. Before its
 * first hop a member resolves its successor's address the way ours does
 * with ARP: a request to the successor and a reply back, so the first lap
 * carries three messages a hop and later laps one (--no-resolve drops this).
 * Each member computes --instructions-per-hop instructions at --mips before
 * forwarding (a host speed of mips * 10^6 flop/s, one flop an instruction).
 *
 * The platform is generated from <nodes>: a star of hosts, each with its
 * own full-duplex link to the centre with half the one-way latency and the
 * whole bandwidth, so a hop crosses two links: latency + bytes / bandwidth,
 * as our simulator's flat LAN charges. The network model is CM02 (no
 * latency or bandwidth correction factors) so these are exactly the
 * figures a frame sees; a --cfg=network/model:... on the command line wins.
 *
 * Prints "lap <k> done at <t> us" at host 0 like ours, then the hop count
 * and the simulated end time (when the last actor finished).
 */
#include <simgrid/s4u.hpp>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace sg4 = simgrid::s4u;

namespace
{

struct RingConfig {
    unsigned long nodes = 0, laps = 0;
    unsigned long long latency_ns = 50000;         /* bench/scenarios/ring-*.json */
    unsigned long long bandwidth_bps = 1000000000; /* 1 Gbps */
    unsigned long long frame_bytes = 84;           /* a "token <n>" frame on our wire */
    unsigned long long instructions_per_hop = 0;
    unsigned long long mips = 100; /* the scenarios' cpu_mips */
    bool resolve = true;
};

/* Ethernet + ARP padded to the 60-byte minimum, as our NIC sends them. */
constexpr unsigned long long ARP_FRAME_BYTES = 60;

enum class Kind { resolve_request, resolve_reply, token, stop };

struct Message {
    Kind kind;
    unsigned long counter;
};

struct RingTotals {
    unsigned long long hops = 0;
    double end_s = 0;
};

sg4::Mailbox *mailbox_of(unsigned long node)
{
    return sg4::Mailbox::by_name("m" + std::to_string(node));
}

void send(const RingConfig &cfg, RingTotals &totals, unsigned long to, Kind kind, unsigned long counter)
{
    if (kind == Kind::token || kind == Kind::stop)
        totals.hops++;
    unsigned long long bytes = kind == Kind::token || kind == Kind::stop ? cfg.frame_bytes : ARP_FRAME_BYTES;
    mailbox_of(to)->put(new Message{kind, counter}, bytes);
}

void member(const RingConfig &cfg, RingTotals &totals, unsigned long node)
{
    sg4::Mailbox *inbox = mailbox_of(node);
    unsigned long next = (node + 1) % cfg.nodes, prev = (node + cfg.nodes - 1) % cfg.nodes;
    bool resolved = !cfg.resolve;
    unsigned long laps_done = 0;
    /* The successor's address, asked once before the first hop. */
    auto resolve_next = [&]() {
        if (resolved)
            return;
        send(cfg, totals, next, Kind::resolve_request, 0);
        auto reply = inbox->get_unique<Message>();
        if (reply->kind != Kind::resolve_reply)
            xbt_die("ring member %lu: expected an address reply", node);
        resolved = true;
    };
    auto forward = [&](Kind kind, unsigned long counter) {
        if (cfg.instructions_per_hop != 0)
            sg4::this_actor::execute((double)cfg.instructions_per_hop);
        resolve_next();
        send(cfg, totals, next, kind, counter);
    };

    if (node == 0)
        forward(Kind::token, 0);
    for (;;) {
        auto msg = inbox->get_unique<Message>();
        if (msg->kind == Kind::resolve_request) {
            send(cfg, totals, prev, Kind::resolve_reply, 0);
            continue;
        }
        if (msg->kind == Kind::stop) {
            if (node != 0)
                forward(Kind::stop, 0);
            break;
        }
        if (msg->kind != Kind::token)
            xbt_die("ring member %lu: unexpected message", node);
        if (node == 0) {
            laps_done++;
            std::printf("lap %lu done at %.0f us\n", laps_done, sg4::Engine::get_clock() * 1e6);
            if (laps_done == cfg.laps) {
                forward(Kind::stop, 0);
                continue;
            }
        }
        forward(Kind::token, msg->counter + 1);
    }
    double now = sg4::Engine::get_clock();
    if (now > totals.end_s)
        totals.end_s = now;
}

/* The star described above: host n<i> behind link l<i>. */
void build_platform(const RingConfig &cfg)
{
    auto *zone = sg4::create_star_zone("ring");
    double half_latency_s = (double)cfg.latency_ns / 2e9;
    for (unsigned long i = 0; i < cfg.nodes; i++) {
        std::string id = std::to_string(i);
        sg4::Host *host = zone->create_host("n" + id, (double)cfg.mips * 1e6);
        sg4::Link *link =
            zone->create_split_duplex_link("l" + id, (double)cfg.bandwidth_bps / 8) /* bytes/s */
                ->set_latency(half_latency_s)
                ->seal();
        zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                        {sg4::LinkInRoute(link, sg4::LinkInRoute::Direction::UP)}, true);
    }
    zone->seal();
}

int usage()
{
    std::fprintf(stderr,
                 "usage: ring_s4u <nodes> <laps> [--latency-ns N] [--bandwidth-bps N] [--frame-bytes N]\n"
                 "                [--instructions-per-hop N] [--mips N] [--no-resolve]\n");
    return 2;
}

/* A whole positive decimal number, or false. */
bool parse_count(const char *text, unsigned long long *out)
{
    if (text == nullptr || *text < '0' || *text > '9')
        return false;
    char *end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

bool parse_args(int argc, char **argv, RingConfig *cfg)
{
    unsigned long long nodes, laps;
    if (argc < 3 || !parse_count(argv[1], &nodes) || !parse_count(argv[2], &laps) || nodes < 2 ||
        nodes > 10000000 || laps == 0 || laps > 1000000)
        return false;
    cfg->nodes = (unsigned long)nodes;
    cfg->laps = (unsigned long)laps;
    struct {
        const char *name;
        unsigned long long *value;
    } options[] = {
        {"--latency-ns", &cfg->latency_ns},
        {"--bandwidth-bps", &cfg->bandwidth_bps},
        {"--frame-bytes", &cfg->frame_bytes},
        {"--instructions-per-hop", &cfg->instructions_per_hop},
        {"--mips", &cfg->mips},
    };
    for (int i = 3; i < argc; i++) {
        if (std::strcmp(argv[i], "--no-resolve") == 0) {
            cfg->resolve = false;
            continue;
        }
        bool known = false;
        for (auto &opt : options)
            if (std::strcmp(argv[i], opt.name) == 0) {
                if (i + 1 >= argc || !parse_count(argv[i + 1], opt.value)) {
                    std::fprintf(stderr, "ring_s4u: %s needs a whole number\n", opt.name);
                    return false;
                }
                known = true;
                i++;
                break;
            }
        if (!known) {
            std::fprintf(stderr, "ring_s4u: unknown argument '%s'\n", argv[i]);
            return false;
        }
    }
    if (cfg->bandwidth_bps == 0 || cfg->mips == 0 || cfg->frame_bytes == 0) {
        std::fprintf(stderr, "ring_s4u: bandwidth, mips and frame bytes must be more than 0\n");
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    bool model_given = false;
    for (int i = 1; i < argc; i++)
        model_given = model_given || std::strncmp(argv[i], "--cfg=network/model:", 20) == 0;
    sg4::Engine engine(&argc, argv); /* takes SimGrid's own --cfg=... out of argv */
    RingConfig cfg;
    if (!parse_args(argc, argv, &cfg))
        return usage();
    if (!model_given) {
        xbt_log_control_set("xbt_cfg.thres:warning"); /* no notice of the change on stderr */
        sg4::Engine::set_config("network/model:CM02");
    }
    build_platform(cfg);
    RingTotals totals;
    for (unsigned long i = 0; i < cfg.nodes; i++)
        sg4::Actor::create("member" + std::to_string(i), sg4::Host::by_name("n" + std::to_string(i)),
                           [&cfg, &totals, i]() { member(cfg, totals, i); });
    engine.run();
    std::printf("hops %llu\n", totals.hops);
    std::printf("simulated end %.0f us\n", totals.end_s * 1e6);
    return 0;
}
